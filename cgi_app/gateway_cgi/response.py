"""HTTP responses written the CGI way: a Status header, other headers, a blank line, the body.

RFC 3875 section 6: https://www.rfc-editor.org/rfc/rfc3875#section-6
"""

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import BinaryIO, NamedTuple

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


class Response(NamedTuple):
    """A NamedTuple, not a dataclass: see request.py on import costs per request."""

    status: HTTPStatus
    content_type: str
    body: bytes
    headers: Mapping[str, str] | None = None

    def write(self, stream: BinaryIO, *, include_body: bool = True) -> None:
        lines = [
            f"Status: {self.status.value} {self.status.phrase}",
            f"Content-Type: {self.content_type}",
            f"Content-Length: {len(self.body)}",
            *(f"{name}: {value}" for name, value in (self.headers or {}).items()),
        ]
        stream.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if include_body:
            stream.write(self.body)
        stream.flush()


def json_response(
    payload: object,
    status: HTTPStatus = HTTPStatus.OK,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, JSON_TYPE, body, headers)


def text_response(text: str) -> Response:
    return Response(HTTPStatus.OK, TEXT_TYPE, text.encode())


def html_response(html: str) -> Response:
    return Response(HTTPStatus.OK, HTML_TYPE, html.encode())
