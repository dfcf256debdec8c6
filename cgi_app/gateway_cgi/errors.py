"""The JSON error bodies of docs/contract.md: {"error": "<one sentence>"} and a 4xx/5xx status."""

from gateway_cgi.response import Response, json_response


class HttpError(Exception):
    """A client-visible failure, answered as {"error": message} with this status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def to_response(self) -> Response:
        return json_response({"error": self.message}, self.status, self.headers)


def not_found() -> HttpError:
    return HttpError(404, "not found")


def method_not_allowed(allowed: list[str]) -> HttpError:
    return HttpError(405, "method not allowed", {"Allow": ", ".join(allowed)})


# RFC 6455 section 4.2.2: a server that does not accept a WebSocket handshake
# answers with an HTTP error such as 400 Bad Request.
WEBSOCKET_REFUSED = (
    "WebSocket is not available here: CGI is one process, one request, one response; "
    "the ASGI backends (/django-asgi/ws/echo, /asgi/ws/echo) speak it"
)


def websocket_refused() -> HttpError:
    return HttpError(400, WEBSOCKET_REFUSED)


def bad_request(message: str) -> HttpError:
    return HttpError(400, message)


def content_too_large() -> HttpError:
    """A body over REQUEST_BODY_MAX_BYTES: the edge's own 413 sentence (nginx/snippets/errors/json-errors.conf)."""
    return HttpError(413, "request body too large")


def internal_error() -> Response:
    return json_response({"error": "internal server error"}, 500)
