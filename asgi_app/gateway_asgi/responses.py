"""A response and how it leaves: ASGI's http.response.start and http.response.body messages.

https://asgi.readthedocs.io/en/latest/specs/www.html#response-start-send-event
"""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from http import HTTPStatus
from typing import Any, NamedTuple

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = Sequence[tuple[str, str]]


class Response(NamedTuple):
    status: HTTPStatus
    content_type: str
    body: bytes = b""
    headers: Headers = ()
    # A body sent piece by piece (server-sent events) instead of `body`.
    stream: AsyncIterator[bytes] | None = None


def json_response(payload: object, status: HTTPStatus = HTTPStatus.OK, headers: Headers = ()) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, JSON_TYPE, body, headers)


def text_response(text: str) -> Response:
    return Response(HTTPStatus.OK, TEXT_TYPE, text.encode())


def html_response(html: str) -> Response:
    return Response(HTTPStatus.OK, HTML_TYPE, html.encode())


async def send_response(response: Response, send: Send, receive: Receive, *, head: bool) -> None:
    """Start, then the body: whole (with Content-Length, the same on HEAD as on
    GET, RFC 9110 section 9.3.2), or streamed until it ends or the client leaves."""
    headers = [(b"content-type", response.content_type.encode())]
    if response.stream is None:
        headers.append((b"content-length", str(len(response.body)).encode()))
    headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers]
    await send({"type": "http.response.start", "status": response.status.value, "headers": headers})
    if response.stream is None or head:
        await send({"type": "http.response.body", "body": b"" if head else response.body})
        return
    streaming = asyncio.ensure_future(_send_stream(response.stream, send))
    leaving = asyncio.ensure_future(_client_left(receive))
    _, pending = await asyncio.wait({streaming, leaving}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    if streaming.done():
        streaming.result()  # re-raise what went wrong while streaming


async def _send_stream(stream: AsyncIterator[bytes], send: Send) -> None:
    async for chunk in stream:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _client_left(receive: Receive) -> None:
    """Returns on http.disconnect: a stream to a client that has gone is stopped, not finished."""
    while (await receive())["type"] != "http.disconnect":
        pass
