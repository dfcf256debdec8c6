"""Turns one CGI invocation into one response; nothing here outlives the request."""

import importlib
import os
import sys
from collections.abc import Callable
from http import HTTPStatus

from cgi_gateway.request import Request
from cgi_gateway.response import HttpError, Response, json_response
from cgi_gateway.routes import ROUTES

Handler = Callable[[Request], Response]


def find_handler(request: Request) -> Handler:
    methods = ROUTES.get(request.path)
    if methods is None:
        raise HttpError(HTTPStatus.NOT_FOUND, f"no such path: {request.path}")
    # HEAD is GET without the body (RFC 9110 section 9.3.2).
    method = "GET" if request.method == "HEAD" else request.method
    target = methods.get(method)
    if target is None:
        allowed = sorted({*methods, "HEAD"} if "GET" in methods else methods)
        raise HttpError(
            HTTPStatus.METHOD_NOT_ALLOWED,
            f"method {request.method} not allowed",
            {"Allow": ", ".join(allowed)},
        )
    module_name, function_name = target.split(":")
    module = importlib.import_module(f"cgi_gateway.handlers.{module_name}")
    return getattr(module, function_name)


def respond(request: Request) -> Response:
    try:
        return find_handler(request)(request)
    except HttpError as error:
        return error.to_response()
    except Exception:
        # stderr goes to fcgiwrap's stderr, that is the container log; the
        # client learns only that something failed. Imported here: traceback
        # costs about 7 ms, which no successful request should pay.
        import traceback

        traceback.print_exc(file=sys.stderr)
        return json_response({"error": "internal server error"}, HTTPStatus.INTERNAL_SERVER_ERROR)


def serve() -> None:
    """Answer the request described by os.environ and stdin on stdout."""
    try:
        request = Request.from_cgi(os.environ, sys.stdin.buffer)
    except HttpError as error:
        error.to_response().write(sys.stdout.buffer)
        return
    response = respond(request)
    request.discard_unread_body()
    response.write(sys.stdout.buffer, include_body=request.method != "HEAD")
