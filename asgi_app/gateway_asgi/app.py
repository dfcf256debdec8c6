"""The ASGI callable: the seed's `application(scope, receive, send)`, grown to the contract.

ASGI 3: https://asgi.readthedocs.io/en/latest/specs/main.html ; the contract: docs/contract.md.
Served by Uvicorn workers (serve.py): `gateway_asgi.app:application`.

The prefix: nginx forwards /asgi/hello unchanged (docs/conventions.md), and
Uvicorn's --root-path assumes a proxy that strips it, so the application
strips ROOT_PATH itself; a path outside it is a 404.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus

import psycopg

from gateway_asgi import errors
from gateway_asgi.broadcast import MessageFeed
from gateway_asgi.database import create_pool
from gateway_asgi.errors import HttpError, error_response
from gateway_asgi.request import Request, Scope
from gateway_asgi.responses import Receive, Response, Send, send_response
from gateway_asgi.routes import about, fortunes, greetings, health, messages, poll, realtime, slow_io, world
from gateway_asgi.settings import Settings
from gateway_asgi.validation import InvalidInput

logger = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Response]]
WebSocketHandler = Callable[[Scope, Receive, Send], Awaitable[None]]

# Path below the prefix -> method -> handler. HEAD is answered by every GET handler.
ROUTES: dict[str, dict[str, Handler]] = {
    "/": {"GET": about.index},
    "/info": {"GET": about.info},
    "/hello": {"GET": greetings.hello},
    "/json": {"GET": greetings.json_message},
    "/db": {"GET": world.single_query},
    "/queries": {"GET": world.multiple_queries},
    "/fortunes": {"GET": fortunes.fortunes_page},
    "/io": {"GET": slow_io.wait},
    "/messages": {"GET": messages.latest_messages, "POST": messages.create_message},
    "/healthz": {"GET": health.healthz},
    "/events": {"GET": realtime.events},
    "/events/messages": {"GET": realtime.message_events},
    "/poll": {"GET": poll.poll},
}
WEBSOCKET_ROUTES: dict[str, WebSocketHandler] = {"/ws/echo": realtime.echo, "/ws/messages": realtime.message_feed}


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await http(scope, receive, send)
    elif scope["type"] == "websocket":
        await websocket(scope, receive, send)
    elif scope["type"] == "lifespan":
        await lifespan(scope, receive, send)


async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    """Open this worker's pool and start its message feed's listener at startup;
    stop both at shutdown (the pool waits for borrowed connections). The server
    copies `state` into every request scope.
    https://asgi.readthedocs.io/en/latest/specs/lifespan.html"""
    await receive()  # lifespan.startup
    if "state" not in scope:
        await send({"type": "lifespan.startup.failed", "message": "the server gives no lifespan state (ASGI 2.3)"})
        return
    try:
        settings = Settings.from_env()
        pool = create_pool(settings)
        # Does not wait for the database: /healthz answers 503 until it does.
        await pool.open(wait=False)
    except Exception as error:
        await send({"type": "lifespan.startup.failed", "message": str(error)})
        return
    feed = MessageFeed(pool, encode=realtime.message_text)
    listening = asyncio.ensure_future(feed.listen(settings.conninfo()))
    scope["state"].update(pool=pool, settings=settings, feed=feed)
    await send({"type": "lifespan.startup.complete"})
    await receive()  # lifespan.shutdown
    listening.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await listening  # its LISTEN connection closed before the loop ends
    await pool.close()
    await send({"type": "lifespan.shutdown.complete"})


async def http(scope: Scope, receive: Receive, send: Send) -> None:
    path = local_path(scope)
    if path is None:
        response = error_response(HTTPStatus.NOT_FOUND, errors.NOT_FOUND)
    else:
        response = await respond(Request(scope, receive, path))
    await send_response(response, send, receive, head=scope["method"] == "HEAD")


async def websocket(scope: Scope, receive: Receive, send: Send) -> None:
    path = local_path(scope)
    handler = WEBSOCKET_ROUTES.get(path) if path is not None else None
    if handler is not None:
        await handler(scope, receive, send)
        return
    # Refused before accepting: an HTTP 404 with the contract's JSON body where
    # the server offers the websocket.http.response extension, else a close
    # (which Uvicorn answers with 403).
    await receive()  # websocket.connect
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008})
        return
    body = error_response(HTTPStatus.NOT_FOUND, errors.NOT_FOUND)
    headers = [(b"content-type", body.content_type.encode()), (b"content-length", str(len(body.body)).encode())]
    await send({"type": "websocket.http.response.start", "status": 404, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": body.body})


def local_path(scope: Scope) -> str | None:
    """The path below the prefix (/hello for /asgi/hello), or None outside it."""
    prefix = scope["state"]["settings"].root_path
    path: str = scope["path"]
    if path == prefix:
        return "/"
    if path.startswith(prefix + "/"):
        return path[len(prefix) :]
    return None


async def respond(request: Request) -> Response:
    """The handler's response, or the contract's JSON error; never an HTML error page."""
    try:
        return await find_handler(request)(request)
    except HttpError as error:
        return error.response()
    except InvalidInput as error:
        return error_response(HTTPStatus.BAD_REQUEST, str(error))
    except psycopg.OperationalError as error:  # database down, or psycopg_pool.PoolTimeout
        logger.warning("database unavailable: %s", error)
        return error_response(HTTPStatus.SERVICE_UNAVAILABLE, errors.DATABASE_UNAVAILABLE)
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, errors.INTERNAL_ERROR)


def find_handler(request: Request) -> Handler:
    methods = ROUTES.get(request.path)
    if methods is None:
        if request.path in WEBSOCKET_ROUTES:
            # RFC 9110 section 15.5.22: 426 names the protocol to upgrade to.
            raise HttpError(HTTPStatus.UPGRADE_REQUIRED, errors.WEBSOCKET_ONLY, [("Upgrade", "websocket")])
        raise HttpError(HTTPStatus.NOT_FOUND, errors.NOT_FOUND)
    handler = methods.get("GET" if request.method == "HEAD" else request.method)
    if handler is None:
        raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, errors.METHOD_NOT_ALLOWED, [("Allow", allowed(methods))])
    return handler


def allowed(methods: dict[str, Handler]) -> str:
    """The Allow header: "GET, HEAD" for GET routes, "GET, HEAD, POST" for /messages."""
    return ", ".join(sorted({*methods, "HEAD"} if "GET" in methods else methods))
