"""GET / and GET /info: which interface, server and process answer (docs/contract.md)."""

import os
import platform

import django
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from gateway_django.errors import allow

INTERFACE = "WSGI"


def about(request: HttpRequest) -> dict[str, object]:
    return {
        "interface": INTERFACE,
        # What the running server put in the WSGI environ, e.g. "gunicorn/<version>".
        "server": request.META.get("SERVER_SOFTWARE", "unknown"),
        "framework": f"Django {django.get_version()}",
        "pid": os.getpid(),
        "python": platform.python_version(),
        "request": {
            # After EdgeClientAddressMiddleware: the client's address when the edge sent the request.
            "client": request.META.get("REMOTE_ADDR"),
            # wsgi.url_scheme, "https" when Gunicorn trusted the edge's X-Forwarded-Proto.
            "scheme": request.scheme,
            "host": request.get_host(),
        },
    }


@allow("GET")
def index(request: HttpRequest) -> HttpResponse:
    # Under its own name: the `request` context processor would shadow about()["request"].
    return render(request, "gateway_django/index.html", {"about": about(request)})


@allow("GET")
def info(request: HttpRequest) -> JsonResponse:
    return JsonResponse(about(request))
