"""ASGI only, long-lived connections: the WebSocket echo /ws/echo and the server-sent-events stream /events."""

import asyncio
from collections.abc import AsyncIterable
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket
from fastapi.sse import EventSourceResponse, ServerSentEvent

from gateway_fastapi.schemas import Tick
from gateway_fastapi.validation import Digits

router = APIRouter(tags=["realtime"])

# Bounds keep one request's stream under 100 x 5 s; it is a demo, not a feed.
MAX_TICKS = 100
MAX_INTERVAL_MS = 5_000


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
