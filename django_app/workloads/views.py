"""The endpoint contract (ARCHITECTURE.md, "Endpoint contract") as Django views."""

import functools
import os
import platform
import random
import time
from collections.abc import Callable

import django
from django.db import Error, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from gateway.errors import error_response

from . import validation
from .models import Fortune, Message, World
from .seed import WORLD_ROWS

View = Callable[..., HttpResponse]

INTERFACE = "WSGI"
VIA = "django"
MESSAGES_SHOWN = 50


def allow(*methods: str) -> Callable[[View], View]:
    """Mark a contract endpoint: other methods get a JSON 405 with Allow.

    Like Django's require_http_methods, but the 405 body is JSON like every
    other error, and the view is csrf_exempt: the contract endpoints are an
    API that reads no session or auth cookie, so there is nothing for CSRF to
    protect, and exempting them lets DELETE /hello get its 405 instead of a
    CSRF 403. The admin keeps Django's CSRF protection.
    """

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.method not in methods:
                response = error_response(405, f"method {request.method} not allowed")
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorator


def server_description(request: HttpRequest) -> str:
    """E.g. "gunicorn/23.0.0 (gthread)": the software Gunicorn reports, and its worker model."""
    software = request.META.get("SERVER_SOFTWARE", "unknown")
    model = "gthread" if request.META.get("wsgi.multithread") else "sync"
    return f"{software} ({model})"


def random_world() -> World:
    return World.objects.get(id=random.randint(1, WORLD_ROWS))


@allow("GET")
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "interface": INTERFACE,
        "server": server_description(request),
        "framework": f"Django {django.get_version()}",
        "pid": os.getpid(),
    }
    return render(request, "workloads/index.html", context)


@allow("GET")
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, WSGI World", content_type="text/plain; charset=utf-8")


@allow("GET")
def json_message(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello, World!"})


@allow("GET")
def single_query(request: HttpRequest) -> JsonResponse:
    return JsonResponse(random_world().as_json())


@allow("GET")
def multiple_queries(request: HttpRequest) -> JsonResponse:
    # One query per row, as the TechEmpower rules require (no IN (...) batching).
    count = validation.query_count(request.GET.get("queries"))
    rows = [random_world().as_json() for _ in range(count)]
    return JsonResponse(rows, safe=False)


@allow("GET")
def fortunes(request: HttpRequest) -> HttpResponse:
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=lambda fortune: fortune.message)
    # The template's autoescaping escapes every message.
    return render(request, "workloads/fortunes.html", {"fortunes": rows})


@allow("GET")
def io_wait(request: HttpRequest) -> JsonResponse:
    try:
        ms = validation.io_milliseconds(request.GET.get("ms"))
    except validation.InvalidInput as exc:
        return error_response(400, str(exc))
    # A blocking sleep holds this Gunicorn thread, as blocking I/O would: the
    # service's /io throughput is bounded by workers x threads / wait time.
    time.sleep(ms / 1000)
    return JsonResponse({"waited_ms": ms})


@allow("GET")
def info(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "interface": INTERFACE,
            "server": server_description(request),
            "framework": f"Django {django.get_version()}",
            "pid": os.getpid(),
            "python": platform.python_version(),
        }
    )


# POST is csrf_exempt (see allow()): a JSON API, not a form, with no token to
# send; requiring Content-Type: application/json already stops cross-site form
# posts, since a browser cannot send that type cross-origin without a CORS
# preflight, which this app never grants.
# https://docs.djangoproject.com/en/5.2/howto/csrf/
@allow("GET", "POST")
def messages(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        latest = Message.objects.order_by("-id")[:MESSAGES_SHOWN]
        return JsonResponse([message.as_json() for message in latest], safe=False)
    try:
        new = validation.new_message(request)
    except validation.InvalidInput as exc:
        return error_response(400, str(exc))
    # Parameterized INSERT ... RETURNING, which also fills the database default created_at.
    message = Message.objects.create(author=new.author, text=new.text, via=VIA)
    return JsonResponse(message.as_json(), status=201)


@allow("GET")
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Error:  # connection refused, pool timeout, query failure alike
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})
