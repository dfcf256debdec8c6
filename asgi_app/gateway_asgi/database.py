"""One psycopg AsyncConnectionPool per Uvicorn worker, opened and closed by the
ASGI lifespan protocol (app.py) and handed to requests in the lifespan state.

https://www.psycopg.org/psycopg3/docs/advanced/pool.html#pool-life-cycle
"""

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from gateway_asgi.settings import Settings

Pool = AsyncConnectionPool[AsyncConnection]

# A starved pool answers 503 well before nginx's proxy_read_timeout (30 s,
# nginx/conf/proxy-timeouts.conf) would turn the wait into a 504 at the edge.
CHECKOUT_TIMEOUT_S = 10.0


def create_pool(settings: Settings) -> Pool:
    """A pool that keeps DB_POOL_MIN connections while idle and grows on demand
    (in the background, one connection at a time) to DB_POOL_MAX."""
    return AsyncConnectionPool(
        conninfo=settings.conninfo(),
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        # Every statement is one self-contained query or INSERT: autocommit
        # spares a BEGIN/COMMIT round trip and never leaves a transaction open.
        kwargs={"autocommit": True},
        timeout=CHECKOUT_TIMEOUT_S,
        name="asgi",
        # Opened in the lifespan startup, inside the worker's event loop.
        open=False,
    )
