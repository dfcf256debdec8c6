"""The JSON error bodies of the contract (docs/contract.md): {"error": "<one sentence>"}."""

from http import HTTPStatus

from gateway_asgi.responses import Headers, Response, json_response

NOT_FOUND = "not found"
METHOD_NOT_ALLOWED = "method not allowed"
DATABASE_UNAVAILABLE = "database unavailable"
INTERNAL_ERROR = "internal server error"
# A body over REQUEST_BODY_MAX_BYTES: the edge's own sentence (nginx/snippets/errors/json-errors.conf).
CONTENT_TOO_LARGE = "request body too large"
WEBSOCKET_ONLY = "this path speaks WebSocket only: open it with a WebSocket handshake"


class HttpError(Exception):
    """A client-visible failure, answered as {"error": message} with this status."""

    def __init__(self, status: HTTPStatus, message: str, headers: Headers = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers

    def response(self) -> Response:
        return error_response(self.status, self.message, self.headers)


def error_response(status: HTTPStatus, message: str, headers: Headers = ()) -> Response:
    return json_response({"error": message}, status, headers)
