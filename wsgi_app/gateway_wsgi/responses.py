"""A response as the WSGI callable hands it over: status line, headers, one body."""

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import NamedTuple

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

Headers = Sequence[tuple[str, str]]


class Response(NamedTuple):
    status: HTTPStatus
    content_type: str
    body: bytes
    headers: Headers = ()

    def status_line(self) -> str:
        """PEP 3333: the status as "200 OK", code and reason phrase."""
        return f"{self.status.value} {self.status.phrase}"

    def header_list(self) -> list[tuple[str, str]]:
        """Content-Length always: the same on HEAD as on GET (RFC 9110 section 9.3.2),
        and it lets Gunicorn keep the connection alive without chunking."""
        return [("Content-Type", self.content_type), ("Content-Length", str(len(self.body))), *self.headers]


def json_response(payload: object, status: HTTPStatus = HTTPStatus.OK, headers: Headers = ()) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, JSON_TYPE, body, headers)


def text_response(text: str) -> Response:
    return Response(HTTPStatus.OK, TEXT_TYPE, text.encode())


def html_response(html: str) -> Response:
    return Response(HTTPStatus.OK, HTML_TYPE, html.encode())
