"""One psycopg ConnectionPool per Gunicorn worker process, opened on first use.

Lazily, not at import: the pool's threads and sockets must belong to the
worker process, and any server (Gunicorn, Granian, a test) that imports the
app gets one the same way. Gunicorn's worker_exit hook closes it.
https://www.psycopg.org/psycopg3/docs/advanced/pool.html
"""

import threading

from psycopg import Connection
from psycopg_pool import ConnectionPool

from gateway_wsgi import settings
from gateway_wsgi.settings import Settings

# Waiting only happens when the database is down (the pool grows to one connection
# per thread): fail the request, and /healthz, well within the healthcheck's 5 s.
CHECKOUT_TIMEOUT_S = 3.0

_lock = threading.Lock()
_pools: list[ConnectionPool[Connection]] = []


def create_pool(config: Settings) -> ConnectionPool[Connection]:
    """A pool that keeps DB_POOL_MIN connections while idle and grows on demand
    (in the background) to one per thread."""
    return ConnectionPool(
        conninfo=config.conninfo(),
        min_size=config.pool_min,
        max_size=config.pool_size,
        # Every statement is one self-contained query or INSERT: autocommit
        # spares a BEGIN/COMMIT round trip and never leaves a transaction open.
        kwargs={"autocommit": True},
        timeout=CHECKOUT_TIMEOUT_S,
        name="wsgi",
        # Opening does not wait for the database: the worker starts, and
        # /healthz answers 503 until PostgreSQL does.
        open=True,
    )


def pool() -> ConnectionPool[Connection]:
    """This process's pool; the first caller of the process creates it."""
    if not _pools:
        with _lock:
            if not _pools:
                _pools.append(create_pool(settings.current()))
    return _pools[0]


def close_pool() -> None:
    """Close the pool, waiting for borrowed connections (Gunicorn's worker_exit)."""
    with _lock:
        while _pools:
            _pools.pop().close()
