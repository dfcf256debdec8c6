"""The psycopg 3 connection pool and the dependencies that hand it to routes."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from gateway_fastapi.settings import AppSettings

# A starved pool answers 503 well before nginx's proxy_read_timeout (30 s,
# nginx/snippets/proxy/timeouts.conf) would turn the wait into a 504 at the edge.
POOL_CHECKOUT_TIMEOUT_S = 10.0


def create_pool(settings: AppSettings) -> AsyncConnectionPool[AsyncConnection]:
    """A pool that keeps DB_POOL_MIN connections while idle and grows on demand
    (in the background, one connection at a time) to DB_POOL_MAX."""
    return AsyncConnectionPool(
        conninfo=settings.conninfo(),
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        # Every statement here is one self-contained query or INSERT; autocommit
        # spares a BEGIN/COMMIT round trip and never leaves a transaction open.
        kwargs={"autocommit": True},
        timeout=POOL_CHECKOUT_TIMEOUT_S,
        name="fastapi",
        # Opened in the lifespan (main.create_app), not at construction:
        # https://www.psycopg.org/psycopg3/docs/advanced/pool.html#pool-life-cycle
        open=False,
    )


async def get_pool(request: Request) -> AsyncConnectionPool[AsyncConnection]:
    """The pool the lifespan put in the request state. `async def` although it
    awaits nothing: FastAPI runs a plain `def` dependency in its threadpool, a
    thread hand-off per request for one attribute read.
    https://fastapi.tiangolo.com/async/#dependencies"""
    return request.state.pool


Pool = Annotated[AsyncConnectionPool[AsyncConnection], Depends(get_pool)]


async def get_connection(pool: Pool) -> AsyncIterator[AsyncConnection]:
    """Borrow one connection for the duration of the path operation."""
    async with pool.connection() as connection:
        yield connection


# scope="function": the connection goes back to the pool as soon as the path
# operation returns, not after the response has been sent.
# https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/#early-exit-and-scope
Connection = Annotated[AsyncConnection, Depends(get_connection, scope="function")]
