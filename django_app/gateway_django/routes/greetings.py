"""GET /hello and GET /json: no database, the interface's own cost (docs/contract.md)."""

from django.http import HttpRequest, HttpResponse, JsonResponse

from gateway_django.errors import allow
from gateway_django.routes.about import interface


@allow("GET")
def hello(request: HttpRequest) -> HttpResponse:
    # "Hello, WSGI World" under Gunicorn, "Hello, ASGI World" under Uvicorn: one sync view, both handlers.
    return HttpResponse(f"Hello, {interface(request)} World", content_type="text/plain; charset=utf-8")


@allow("GET")
def json_message(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello, World!"})
