"""HTTP responses written the CGI way: a Status header, other headers, a blank line, the body.

RFC 3875 section 6: https://www.rfc-editor.org/rfc/rfc3875#section-6

Every request starts a new interpreter, so every import is paid per request
(`python3 -X importtime`): statuses are plain ints with the reason phrases
below, not http.HTTPStatus (its enum import costs about 4 ms), json is
imported only by a JSON response, and the typing names only by type checkers.
"""

TYPE_CHECKING = False  # the typing module costs about 4 ms per request
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import BinaryIO

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

# The reason phrase of every status this backend sends (RFC 9110 section 15).
# https://www.rfc-editor.org/rfc/rfc9110#section-15
REASON_PHRASES = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Response:
    """A plain class, not a NamedTuple or a dataclass: see the module docstring."""

    __slots__ = ("body", "content_type", "headers", "status")

    def __init__(self, status: int, content_type: str, body: bytes, headers: "Mapping[str, str] | None" = None) -> None:
        self.status = status
        self.content_type = content_type
        self.body = body
        self.headers = headers

    def write(self, stream: "BinaryIO", *, include_body: bool = True) -> None:
        lines = [
            f"Status: {self.status} {REASON_PHRASES[self.status]}",
            f"Content-Type: {self.content_type}",
            f"Content-Length: {len(self.body)}",
            *(f"{name}: {value}" for name, value in (self.headers or {}).items()),
        ]
        stream.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if include_body:
            stream.write(self.body)
        stream.flush()


def json_response(payload: object, status: int = 200, headers: "Mapping[str, str] | None" = None) -> Response:
    import json  # here: /hello never pays for it (about 6 ms with the re module it pulls in)

    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, JSON_TYPE, body, headers)


def text_response(text: str) -> Response:
    return Response(200, TEXT_TYPE, text.encode())


def html_response(html: str) -> Response:
    return Response(200, HTML_TYPE, html.encode())
