"""Turns one CGI invocation into one response; nothing here outlives the request."""

import importlib
import os
import sys

from gateway_cgi import timing
from gateway_cgi.errors import HttpError, internal_error, method_not_allowed, not_found, websocket_refused
from gateway_cgi.request import Request
from gateway_cgi.response import Response
from gateway_cgi.routes import ROUTES

TYPE_CHECKING = False  # typing and collections.abc cost milliseconds per request (response.py)
if TYPE_CHECKING:
    from collections.abc import Callable

    Handler = Callable[[Request], Response]


def is_sent_path(request: Request) -> bool:
    """Whether PATH_INFO is the path the client sent, not one nginx made of another.

    nginx splits PATH_INFO off its normalised URI: percent-decoded, doubled
    slashes merged, dot segments resolved (nginx/routes/cgi.conf), so
    /cgi//hello, /cgi/./hello and /static/../cgi/hello would all arrive as
    /hello. REQUEST_URI is the target as sent: PATH_INFO is a route only when
    that decodes to SCRIPT_NAME + PATH_INFO itself (docs/contract.md, "Routing").
    An encoded slash is never a separator, whatever decoding makes of it.
    """
    sent = request.sent_path
    if "%" in sent:
        if "%2f" in sent.lower():
            return False
        from urllib.parse import unquote  # here: only a path with an escape pays for it

        sent = unquote(sent)
    return sent == request.script_name + request.path


def find_handler(request: Request) -> "Handler":
    if request.upgrade == "websocket":
        raise websocket_refused()
    methods = ROUTES.get(request.path) if is_sent_path(request) else None
    if methods is None:
        raise not_found()
    # HEAD is GET without the body (RFC 9110 section 9.3.2).
    method = "GET" if request.method == "HEAD" else request.method
    target = methods.get(method)
    if target is None:
        raise method_not_allowed(sorted({*methods, "HEAD"} if "GET" in methods else methods))
    module_name, function_name = target.split(":")
    module = importlib.import_module(f"gateway_cgi.routes.{module_name}")
    return getattr(module, function_name)


def respond(request: Request) -> Response:
    try:
        handler = find_handler(request)
        timing.mark("import")
        response = handler(request)
        timing.mark("response")
        return response
    except HttpError as error:
        return error.to_response()
    except Exception:
        # stderr goes to fcgiwrap's stderr, that is the container log; the
        # client learns only that something failed. Imported here: traceback
        # costs about 7 ms, which no successful request should pay.
        import traceback

        traceback.print_exc(file=sys.stderr)
        return internal_error()


def serve() -> None:
    """Answer the request described by os.environ and stdin on stdout."""
    try:
        request = Request.from_cgi(os.environ, sys.stdin.buffer)
    except HttpError as error:
        error.to_response().write(sys.stdout.buffer)
        return
    response = respond(request)
    server_timing = timing.header()
    if server_timing:
        response.headers = {**(response.headers or {}), "Server-Timing": server_timing}
    request.discard_unread_body()
    response.write(sys.stdout.buffer, include_body=request.method != "HEAD")
