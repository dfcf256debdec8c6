"""GET /hello and GET /json: no database, the interface's own cost (docs/contract.md)."""

from django.http import HttpRequest, HttpResponse, JsonResponse

from gateway_django.errors import allow


@allow("GET")
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, WSGI World", content_type="text/plain; charset=utf-8")


@allow("GET")
def json_message(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello, World!"})
