"""A path with a control character is no route: 404 before routing.

Starlette compiles each route's path into a regular expression ending in `$`,
and Python's `$` also matches just before a final newline: `^/hello$` matches
"/hello\\n", so /fastapi/hello%0A was answered as /fastapi/hello
(docs/contract.md, "Routing"). FastAPI compiles the regexes of included
routers itself, when it first routes, so they cannot be re-anchored with `\\Z`;
no route has a control character in its path, so this refuses them all.
https://docs.python.org/3/library/re.html#regular-expression-syntax
"""

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from gateway_fastapi.errors import SENTENCES, error_response

# C0 controls and DEL, as the server percent-decoded them into the path.
CONTROL_CHARACTERS = frozenset(map(chr, [*range(0x20), 0x7F]))


class NoControlCharacters:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or CONTROL_CHARACTERS.isdisjoint(scope["path"]):
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await error_response(404, SENTENCES[404])(scope, receive, send)
        else:
            await WebSocketClose()(scope, receive, send)
