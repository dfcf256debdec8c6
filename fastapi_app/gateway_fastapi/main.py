"""Application factory: `uvicorn --factory gateway_fastapi.main:create_app`."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from gateway_fastapi.asgi_server import calling_server
from gateway_fastapi.body_limit import BodyLimit
from gateway_fastapi.broadcast import MessageFeed
from gateway_fastapi.database import create_pool
from gateway_fastapi.docs import install_docs
from gateway_fastapi.errors import install_error_handlers
from gateway_fastapi.exact_paths import NoControlCharacters
from gateway_fastapi.head import HeadAsGet
from gateway_fastapi.prefix import ForwardedPrefix
from gateway_fastapi.routes import about, fortunes, greetings, health, messages, poll, realtime, slow_io, world
from gateway_fastapi.schemas import ErrorBody
from gateway_fastapi.settings import AppSettings


class State(TypedDict):
    """Lifespan state, copied into every request as request.state."""

    pool: AsyncConnectionPool[AsyncConnection]
    server: str
    feed: MessageFeed


def create_app(settings: AppSettings | None = None) -> FastAPI:
    settings = settings or AppSettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        # One pool per worker process, opened at startup and closed (waiting for
        # borrowed connections) on shutdown. Opening does not wait for the
        # database: the process starts and /healthz reports 503 until it answers.
        # The message feed's listener (one LISTEN connection per worker) runs
        # as a task of this worker's loop, cancelled before the pool closes.
        async with create_pool(settings) as pool:
            feed = MessageFeed(pool)
            listening = asyncio.create_task(feed.listen(settings.conninfo()))
            try:
                yield {"pool": pool, "server": calling_server(), "feed": feed}
            finally:
                listening.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listening

    app = FastAPI(
        title="Gateway Lab - FastAPI (ASGI)",
        summary="The Gateway Lab endpoint contract (docs/contract.md), served by Uvicorn workers.",
        lifespan=lifespan,
        # Replaced by the self-hosted Swagger UI of install_docs; no ReDoc,
        # whose bundle is not packaged.
        docs_url=None,
        redoc_url=None,
        # Declaring "4XX" replaces FastAPI's default 422 entry in the schema:
        # errors.validation_error answers 400 {"error": ...} instead.
        responses={"4XX": {"model": ErrorBody, "description": "Client error"}},
        # /fastapi/hello/ is not /fastapi/hello: a 404 like any other path, not
        # a 307 to it (docs/contract.md, "Routing").
        redirect_slashes=False,
    )
    for module in (about, greetings, world, fortunes, slow_io, messages, health, realtime, poll):
        app.include_router(module.router)
    install_docs(app)
    install_error_handlers(app)
    # The prefix /fastapi comes from ForwardedPrefix, not `--root-path`.
    app.add_middleware(ForwardedPrefix, prefix=settings.root_path)
    app.add_middleware(NoControlCharacters)
    app.add_middleware(HeadAsGet)
    # Added last, so the outermost: an oversized body is refused before anything else runs.
    app.add_middleware(BodyLimit, max_bytes=settings.request_body_max_bytes)
    return app
