"""Answer HEAD on every GET route: the GET response's status and headers, no body.

RFC 9110 section 9.3.2: https://www.rfc-editor.org/rfc/rfc9110#section-9.3.2
FastAPI's routes take only the methods they are declared with, so `@router.get`
alone would answer HEAD with 405; declaring HEAD on every route would double
each operation in the OpenAPI schema. This middleware routes HEAD as GET and
drops the body itself rather than trusting the server to: Uvicorn drops it,
the test client does not.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
