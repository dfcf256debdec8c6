"""ASGI only, long-lived connections: the WebSocket echo /ws/echo, the live
message feed as a WebSocket (/ws/messages) and as server-sent events
(/events/messages), and the server-sent-events ticks /events. The feed is the
worker's MessageFeed (broadcast.py), started by the lifespan."""

import asyncio
from collections.abc import AsyncIterable
from typing import Annotated

from fastapi import APIRouter, Header, Query, WebSocket
from fastapi.sse import EventSourceResponse, ServerSentEvent
from psycopg.rows import class_row

from gateway_fastapi.broadcast import Feed
from gateway_fastapi.database import Pool
from gateway_fastapi.schemas import Message, Tick
from gateway_fastapi.validation import Digits

router = APIRouter(tags=["realtime"])

# Bounds keep one request's stream under 100 x 5 s; it is a demo, not a feed.
MAX_TICKS = 100
MAX_INTERVAL_MS = 5_000
# What a reconnecting EventSource is sent at once, newer than its Last-Event-ID.
REPLAY_COUNT = 50
SELECT_NEWER = "SELECT id, author, text, via, created_at FROM message WHERE id > %s ORDER BY id LIMIT %s"


@router.websocket("/ws/echo")
async def echo(websocket: WebSocket) -> None:
    """Send every text or binary message straight back until the client leaves."""
    await websocket.accept()
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is not None:
            await websocket.send_text(message["text"])
        else:
            await websocket.send_bytes(message["bytes"])


@router.get("/events", response_class=EventSourceResponse)
async def events(
    n: Annotated[Digits, Query(ge=1, le=MAX_TICKS, description="Ticks")] = 5,
    interval_ms: Annotated[Digits, Query(ge=0, le=MAX_INTERVAL_MS, description="Pause between ticks")] = 1000,
) -> AsyncIterable[ServerSentEvent]:
    """N `tick` events, then the stream ends; `data.of` tells a client when to
    close its EventSource before it reconnects. FastAPI sets `Cache-Control:
    no-cache` and `X-Accel-Buffering: no`, so nginx passes each event at once.
    https://fastapi.tiangolo.com/tutorial/server-sent-events/"""
    for tick in range(1, n + 1):
        if tick > 1:
            await asyncio.sleep(interval_ms / 1000)
        yield ServerSentEvent(data=Tick(tick=tick, of=n), event="tick", id=str(tick))


@router.websocket("/ws/messages")
async def message_feed(websocket: WebSocket, feed: Feed) -> None:
    """Send each newly stored message (as POST /messages returned it, on any
    backend) as one JSON text frame until the client leaves. The feed sends
    (broadcast.py); this only reads, ignoring what the client sends, to see it leave."""
    await websocket.accept()
    send = websocket.send_text
    feed.add_socket(send)
    try:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass
    finally:
        feed.remove_socket(send)


@router.get("/events/messages", response_class=EventSourceResponse)
async def message_events(
    feed: Feed,
    pool: Pool,
    last_event_id: Annotated[str | None, Header(description="Sent by a reconnecting EventSource")] = None,
) -> AsyncIterable[ServerSentEvent]:
    """Each newly stored message as one `message` event whose id is the message
    id, until the client leaves. A reconnecting EventSource sends the last id
    it saw as `Last-Event-ID` and first gets what it missed (up to 50 rows).
    FastAPI sends a `: ping` comment after 15 s of quiet, inside nginx's
    proxy_read_timeout. https://fastapi.tiangolo.com/tutorial/server-sent-events/"""
    queue = feed.subscribe()
    try:
        # A comment first: the client knows it is subscribed, and nginx sends the headers on.
        yield ServerSentEvent(comment="subscribed")
        if last_event_id is not None and last_event_id.isascii() and last_event_id.isdigit():
            async with pool.connection() as connection, connection.cursor(row_factory=class_row(Message)) as cursor:
                await cursor.execute(SELECT_NEWER, (int(last_event_id), REPLAY_COUNT))
                for message in await cursor.fetchall():
                    yield ServerSentEvent(data=message, event="message", id=str(message.id))
        while True:
            message = await queue.get()
            yield ServerSentEvent(data=message, event="message", id=str(message.id))
    finally:
        feed.unsubscribe(queue)
