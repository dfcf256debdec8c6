"""Long-lived connections on the raw ASGI websocket messages: an echo (/ws/echo)
and the live message feed (/ws/messages); and a server-sent-events stream (/events).

https://asgi.readthedocs.io/en/latest/specs/www.html#websocket
"""

import asyncio
import json
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Any

from gateway_asgi import validation
from gateway_asgi.broadcast import MessageFeed
from gateway_asgi.request import Request
from gateway_asgi.responses import Receive, Response, Send
from gateway_asgi.routes.messages import as_json

# Bounds keep one request's stream under 100 x 5 s; it is a demo, not a feed.
MAX_TICKS = 100
MAX_INTERVAL_MS = 5_000


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
    What the client sends is ignored."""
    if (await receive())["type"] != "websocket.connect":
        return
    feed: MessageFeed = scope["state"]["feed"]
    queue = feed.subscribe()
    leaving = asyncio.ensure_future(_disconnected(receive))
    try:
        await send({"type": "websocket.accept"})
        while True:
            next_row = asyncio.ensure_future(queue.get())
            await asyncio.wait({next_row, leaving}, return_when=asyncio.FIRST_COMPLETED)
            if not next_row.done():  # the client left
                next_row.cancel()
                return
            text = json.dumps(as_json(next_row.result()), ensure_ascii=False, separators=(",", ":"))
            await send({"type": "websocket.send", "text": text})
    finally:
        leaving.cancel()
        feed.unsubscribe(queue)


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
