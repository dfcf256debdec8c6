"""Refuse a request body over REQUEST_BODY_MAX_BYTES with the contract's JSON 413.

A pure ASGI middleware, like prefix.py and head.py. A declared Content-Length
over the limit is answered at once, before the app runs or a byte of the body
is read. Otherwise (a chunked body) the bytes are counted as the app receives
them, and one past the limit raises HTTPException(413) inside the app, where
FastAPI passes it to errors.http_error.

FastAPI's own `max_body_size` (Starlette's RequestBodyLimitMiddleware) counts
the same way, but answers a declared length over the limit with a plain-text
"Content Too Large", outside every exception handler: not the contract's body.
https://fastapi.tiangolo.com/advanced/request-body-limits/
"""

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway_fastapi.errors import SENTENCES, error_response


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await error_response(413, SENTENCES[413])(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413)
            return message

        await self.app(scope, receive_within_limit, send)
