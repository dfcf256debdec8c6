"""The request as an ASGI HTTP connection scope and its receive channel.

https://asgi.readthedocs.io/en/latest/specs/www.html#http-connection-scope
"""

from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from gateway_asgi import errors
from gateway_asgi.database import Pool
from gateway_asgi.errors import HttpError
from gateway_asgi.responses import Receive
from gateway_asgi.settings import Settings

Scope = dict[str, Any]


class Request:
    __slots__ = ("path", "receive", "scope")

    def __init__(self, scope: Scope, receive: Receive, path: str) -> None:
        self.scope = scope
        self.receive = receive
        # The path below the prefix: /hello for /asgi/hello.
        self.path = path

    @property
    def method(self) -> str:
        return self.scope["method"]

    @property
    def pool(self) -> Pool:
        """This worker's pool, put in the lifespan state at startup (app.py)."""
        return self.scope["state"]["pool"]

    @property
    def settings(self) -> Settings:
        return self.scope["state"]["settings"]

    def header(self, name: str) -> str:
        """A request header; ASGI hands names over lower-cased, as bytes."""
        wanted = name.lower().encode("latin-1")
        for key, value in self.scope["headers"]:
            if key == wanted:
                return value.decode("latin-1")
        return ""

    def query(self, name: str) -> str | None:
        values = parse_qs(self.scope["query_string"].decode("latin-1"), keep_blank_values=True).get(name)
        return values[0] if values else None

    async def body(self) -> bytes:
        """The whole body from http.request messages, refused (413) above
        REQUEST_BODY_MAX_BYTES: unread when Content-Length says so, else (chunked)
        as soon as the bytes received pass the limit."""
        limit = self.settings.request_body_max_bytes
        declared = self.header("Content-Length")
        if declared.isdigit() and int(declared) > limit:
            raise HttpError(HTTPStatus.CONTENT_TOO_LARGE, errors.CONTENT_TOO_LARGE)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise HttpError(HTTPStatus.BAD_REQUEST, "the client left before sending the whole body")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise HttpError(HTTPStatus.CONTENT_TOO_LARGE, errors.CONTENT_TOO_LARGE)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
