"""WebSocket under ASGI: Django's handler serves HTTP only, so config/asgi.py sends
websocket scopes here, written against the raw ASGI websocket messages (as
/asgi/ws/echo is; Django Channels is not needed for an echo). Under WSGI there is
no WebSocket at all (middleware.WebSocketRefusalMiddleware).
https://asgi.readthedocs.io/en/latest/specs/www.html#websocket
"""

import json
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

ECHO_PATH = "/ws/echo"


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
