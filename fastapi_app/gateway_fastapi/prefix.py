"""Serve the app under the URL prefix that nginx forwards unchanged."""

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from gateway_fastapi.errors import SENTENCES, error_response


class ForwardedPrefix:
    """Set the ASGI root_path for a proxy that does NOT strip the prefix.

    nginx forwards /fastapi/hello as is (docs/conventions.md). Uvicorn's
    --root-path assumes a stripping proxy and prepends the prefix again
    (/fastapi/fastapi/hello), and FastAPI's own root_path argument is
    deprecated; so this middleware puts root_path in the scope and leaves the
    path alone, which is what the ASGI spec describes. Starlette then strips
    the prefix to route, and url_for, the docs page and the OpenAPI "servers"
    entry all carry it. https://asgi.readthedocs.io/en/latest/specs/www.html
    A path outside the prefix gets 404: /fastapi/hello is the one spelling.
    """

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == self.prefix and scope["type"] == "http":
            # The bare prefix is the index page's one other spelling (nginx
            # answers it with a 308 itself); no other path gets a redirect,
            # since redirect_slashes is off (docs/contract.md, "Routing").
            query = scope["query_string"].decode("latin-1")
            await RedirectResponse(self.prefix + "/" + (f"?{query}" if query else ""))(scope, receive, send)
        elif path.startswith(self.prefix + "/"):
            await self.app({**scope, "root_path": self.prefix}, receive, send)
        elif scope["type"] == "http":
            await error_response(404, SENTENCES[404])(scope, receive, send)
        else:
            await WebSocketClose()(scope, receive, send)
