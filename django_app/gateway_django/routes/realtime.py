"""Long-lived connections under ASGI (/django-asgi/ only): the WebSocket echo
(/ws/echo), the live message feed as a WebSocket (/ws/messages) and as
server-sent events (/events/messages). The feed is the worker's MessageFeed
(broadcast.py), which config/asgi.py runs.

Django's handler serves HTTP only, so config/asgi.py sends websocket scopes
here, written against the raw ASGI websocket messages (as /asgi/ws/echo is;
Django Channels is not needed for an echo or a one-way feed). Under WSGI there
is no WebSocket at all (middleware.WebSocketRefusalMiddleware). The SSE stream
is a Django view: an `async def` one, whose StreamingHttpResponse iterates an
async generator on the event loop; when the client leaves, Django's handler
cancels it, which ends the generator.
https://asgi.readthedocs.io/en/latest/specs/www.html#websocket
https://docs.djangoproject.com/en/5.2/ref/request-response/#streaminghttpresponse-objects
"""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse

from gateway_django.broadcast import feed, message_text, read_newer
from gateway_django.errors import allow
from gateway_django.models import Message

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

ECHO_PATH = "/ws/echo"
FEED_PATH = "/ws/messages"
# A comment line this often keeps a quiet /events/messages stream inside
# nginx's proxy_read_timeout (30 s, nginx/snippets/proxy/timeouts.conf).
KEEP_ALIVE_S = 15.0
# What a reconnecting EventSource is sent at once, newer than its Last-Event-ID.
REPLAY_COUNT = 50


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
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


async def message_feed(scope: Scope, receive: Receive, send: Send) -> None:
    """Accept, then send each newly stored message (as POST /messages returned it,
    on any backend) as one JSON text frame until the client leaves. The feed
    sends (broadcast.py); this only reads, ignoring what the client sends, to
    see it leave."""
    if (await receive())["type"] != "websocket.connect":
        return

    async def send_text(text: str) -> None:
        await send({"type": "websocket.send", "text": text})

    await send({"type": "websocket.accept"})
    feed.add_socket(send_text)
    try:
        await _disconnected(receive)
    finally:
        feed.remove_socket(send_text)


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "websocket.disconnect":
        pass


@allow("GET")
async def message_events(request: HttpRequest) -> StreamingHttpResponse:
    """Each newly stored message as one `message` event whose id is the message
    id, until the client leaves. A reconnecting EventSource sends the last id
    it saw as `Last-Event-ID` and first gets what it missed (up to 50 rows).
    `X-Accel-Buffering: no` makes nginx pass each event on at once; HEAD gets
    the headers alone. https://html.spec.whatwg.org/multipage/server-sent-events.html"""
    last_seen = request.headers.get("Last-Event-ID", "")
    replay_after = int(last_seen) if last_seen.isascii() and last_seen.isdigit() else None
    events = _message_events(replay_after) if request.method == "GET" else _no_events()
    response = StreamingHttpResponse(events, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _message_events(replay_after: int | None) -> AsyncIterator[bytes]:
    queue = feed.subscribe()
    try:
        # A comment first: the client knows it is subscribed, and nginx sends the headers on.
        yield b": subscribed\n\n"
        if replay_after is not None:
            for message in await read_newer(replay_after, REPLAY_COUNT):
                yield _message_event(message)
        while True:
            try:
                async with asyncio.timeout(KEEP_ALIVE_S):
                    message = await queue.get()
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            yield _message_event(message)
    finally:
        feed.unsubscribe(queue)


async def _no_events() -> AsyncIterator[bytes]:
    for event in ():
        yield event


def _message_event(message: Message) -> bytes:
    return f"event: message\nid: {message.id}\ndata: {message_text(message)}\n\n".encode()


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """Refuse before accepting: an HTTP 404 with the contract's JSON body where the
    server offers the websocket.http.response extension (Uvicorn does), else a close
    (which the server answers with 403)."""
    await receive()  # websocket.connect
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"error": "not found"}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "websocket.http.response.start", "status": 404, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": body})
