"""GET / and GET /info: which interface, server and process answer (docs/contract.md).

The same sync views serve /django/ (WSGI) and /django-asgi/ (ASGI): what differs
is read from the request the handler built, never from a constant.
"""

import os
import platform
import socket

import django
from asgiref.sync import iscoroutinefunction
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, get_resolver

from gateway_django.errors import allow

# Which replica answered: Docker sets a container's host name to its id. Read once per process.
HOSTNAME = socket.gethostname()
# Where config/asgi.py records the ASGI server that called it (ASGI has no SERVER_SOFTWARE).
SERVER_SCOPE_KEY = "gateway.server"
WORKER_MODELS = {
    "WSGI": "persistent Gunicorn worker processes, each with a pool of threads; "
    "one thread per request, one pooled database connection per thread; "
    "a waiting /poll holds its thread and its connection for the whole wait",
    "ASGI": "persistent Uvicorn worker processes, each one event loop; async views run on the loop, "
    "sync views and every ORM query in a thread of the request's own (asgiref's sync_to_async), "
    "one pooled database connection per request that queries; a waiting /poll or SSE client holds a coroutine, "
    "a small queue on the worker's one LISTEN connection and its request's idle thread, no database connection; "
    "a /ws/messages client (outside Django's handler) a coroutine and a queue alone",
}


def interface(request: HttpRequest) -> str:
    """ "ASGI" under Django's ASGI handler (its requests are ASGIRequest), "WSGI" under the WSGI one."""
    return "ASGI" if isinstance(request, ASGIRequest) else "WSGI"


def server(request: HttpRequest) -> str:
    if isinstance(request, ASGIRequest):
        return request.scope.get(SERVER_SCOPE_KEY, "unknown")
    # What the running server put in the WSGI environ, e.g. "gunicorn/<version>".
    return request.META.get("SERVER_SOFTWARE", "unknown")


def async_views(request: HttpRequest) -> list[str]:
    """The paths this deployment's URLconf serves with an `async def` view."""
    found: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif iscoroutinefunction(pattern.callback):
                found.append(f"/{prefix}{pattern.pattern}")

    walk(get_resolver(getattr(request, "urlconf", None)).url_patterns, "")
    return sorted(found)


def about(request: HttpRequest) -> dict[str, object]:
    return {
        "interface": interface(request),
        "server": server(request),
        "framework": f"Django {django.get_version()}",
        "hostname": HOSTNAME,
        "pid": os.getpid(),
        "python": platform.python_version(),
        "request": {
            # The client's address when the edge sent the request (trusted from the edge only).
            "client": request.META.get("REMOTE_ADDR"),
            # "https" when the server trusted the edge's X-Forwarded-Proto.
            "scheme": request.scheme,
            "host": request.get_host(),
        },
        # Django alone: which rows are `async def` views here (none under WSGI).
        "async_views": async_views(request),
    }


@allow("GET")
def index(request: HttpRequest) -> HttpResponse:
    facts = about(request)
    # Under its own name: the `request` context processor would shadow about()["request"].
    context = {"about": facts, "worker_model": WORKER_MODELS[str(facts["interface"])]}
    return render(request, "gateway_django/index.html", context)


@allow("GET")
def info(request: HttpRequest) -> JsonResponse:
    return JsonResponse(about(request))
