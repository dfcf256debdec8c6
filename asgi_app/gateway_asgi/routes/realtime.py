"""Long-lived connections on the raw ASGI websocket messages: an echo (/ws/echo)
and the live message feed (/ws/messages); and server-sent-events streams: ticks
(/events) and the live message feed (/events/messages).

https://asgi.readthedocs.io/en/latest/specs/www.html#websocket
"""

import asyncio
import json
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Any

from gateway_asgi import validation
from gateway_asgi.broadcast import MessageFeed, Row
from gateway_asgi.request import Request
from gateway_asgi.responses import Receive, Response, Send
from gateway_asgi.routes.messages import as_json

# Bounds keep one request's stream under 100 x 5 s; it is a demo, not a feed.
MAX_TICKS = 100
MAX_INTERVAL_MS = 5_000
# A comment line this often keeps a quiet /events/messages stream inside
# nginx's proxy_read_timeout (30 s, nginx/snippets/proxy/timeouts.conf).
KEEP_ALIVE_S = 15.0
# What a reconnecting EventSource is sent at once, newer than its Last-Event-ID.
REPLAY_COUNT = 50
SELECT_NEWER = "SELECT id, author, text, via, created_at FROM message WHERE id > %s ORDER BY id LIMIT %s"


async def echo(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """Accept, then send every text or binary message straight back until the client leaves."""
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is not None:
            await send({"type": "websocket.send", "text": message["text"]})
        else:
            await send({"type": "websocket.send", "bytes": message["bytes"]})


async def message_feed(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """Accept, then send each newly stored message (as POST /messages returned it,
    on any backend that notifies) as one JSON text frame until the client leaves.
    The feed sends (broadcast.py); this only reads, ignoring what the client
    sends, to see it leave."""
    if (await receive())["type"] != "websocket.connect":
        return
    feed: MessageFeed = scope["state"]["feed"]

    async def send_text(text: str) -> None:
        await send({"type": "websocket.send", "text": text})

    await send({"type": "websocket.accept"})
    feed.add_socket(send_text)
    try:
        await _disconnected(receive)
    finally:
        feed.remove_socket(send_text)


def message_text(row: Row) -> str:
    """A stored message as one /ws/messages frame: the JSON of GET /messages' rows."""
    return json.dumps(as_json(row), ensure_ascii=False, separators=(",", ":"))


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "websocket.disconnect":
        pass


async def events(request: Request) -> Response:
    """N `tick` events, then the stream ends; `data.of` tells a client when to
    close its EventSource before it reconnects. `X-Accel-Buffering: no` makes
    nginx pass each event on at once. https://html.spec.whatwg.org/multipage/server-sent-events.html"""
    count = validation.bounded_integer("n", request.query("n"), 1, MAX_TICKS, default=5)
    interval_ms = validation.bounded_integer("interval_ms", request.query("interval_ms"), 0, MAX_INTERVAL_MS, 1000)
    return Response(
        HTTPStatus.OK,
        "text/event-stream; charset=utf-8",
        headers=[("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no")],
        stream=_ticks(count, interval_ms),
    )


async def _ticks(count: int, interval_ms: int) -> AsyncIterator[bytes]:
    for tick in range(1, count + 1):
        if tick > 1:
            await asyncio.sleep(interval_ms / 1000)
        data = json.dumps({"tick": tick, "of": count}, separators=(",", ":"))
        yield f"event: tick\nid: {tick}\ndata: {data}\n\n".encode()


async def message_events(request: Request) -> Response:
    """Each newly stored message as one `message` event whose id is the message
    id, until the client leaves. A reconnecting EventSource sends the last id
    it saw as `Last-Event-ID` and first gets what it missed (up to 50 rows).
    https://html.spec.whatwg.org/multipage/server-sent-events.html#the-last-event-id-header"""
    last_seen = request.header("Last-Event-ID")
    return Response(
        HTTPStatus.OK,
        "text/event-stream; charset=utf-8",
        headers=[("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no")],
        stream=_message_events(request, int(last_seen) if last_seen.isascii() and last_seen.isdigit() else None),
    )


async def _message_events(request: Request, last_seen: int | None) -> AsyncIterator[bytes]:
    feed: MessageFeed = request.scope["state"]["feed"]
    queue = feed.subscribe()
    try:
        # A comment first: the client knows it is subscribed, and nginx sends the headers on.
        yield b": subscribed\n\n"
        if last_seen is not None:
            async with request.pool.connection() as connection:
                cursor = await connection.execute(SELECT_NEWER, (last_seen, REPLAY_COUNT))
                for row in await cursor.fetchall():
                    yield _message_event(row)
        while True:
            try:
                async with asyncio.timeout(KEEP_ALIVE_S):
                    row = await queue.get()
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            yield _message_event(row)
    finally:
        feed.unsubscribe(queue)


def _message_event(row: Row) -> bytes:
    data = json.dumps(as_json(row), ensure_ascii=False, separators=(",", ":"))
    return f"event: message\nid: {row[0]}\ndata: {data}\n\n".encode()
