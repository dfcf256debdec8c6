"""GET /poll?after=<id>&timeout_ms=<0..30000>: long polling on a WSGI thread.

The Gunicorn thread borrows its pool connection (one per thread), LISTENs on
channel `message_created` (notified by a trigger on every INSERT through any
backend), reads the messages newer than `after`, and when there are none
blocks in `Connection.notifies(timeout=...)` until a notification or the
deadline: no query runs while nothing happens. LISTEN comes before the first
SELECT, so a message stored in between still wakes the wait. The connection
goes back to the pool UNLISTENed, with no notification left queued on it.

What a waiting client costs here: a Gunicorn thread and its pool connection,
for the whole wait. GUNICORN_WORKERS x GUNICORN_THREADS waiting polls take
every thread: the service answers nothing else until one returns, and
further requests queue in Gunicorn's backlog (the edge answers 504 after its
proxy_read_timeout).
https://www.psycopg.org/psycopg3/docs/advanced/async.html#asynchronous-notifications
"""

import time

from psycopg import Connection

from gateway_wsgi import database, validation
from gateway_wsgi.request import Request
from gateway_wsgi.responses import Response, json_response
from gateway_wsgi.routes.messages import _message

CHANNEL = "message_created"
# Above this nginx's proxy_read_timeout for /wsgi/poll (nginx/routes/poll.conf) would cut the wait.
MAX_TIMEOUT_MS = 30_000
# The id column is a bigint.
MAX_ID = 2**63 - 1
# A client far behind catches up in pages: it asks again with the last id it got.
PAGE_SIZE = 50
SELECT_NEWER = "SELECT id, author, text, via, created_at FROM message WHERE id > %s ORDER BY id LIMIT %s"


def poll(request: Request) -> Response:
    after = _bounded(request, "after", MAX_ID)
    timeout_ms = _bounded(request, "timeout_ms", MAX_TIMEOUT_MS)
    deadline = time.monotonic() + timeout_ms / 1000
    with database.pool().connection() as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        try:
            return json_response([_message(row) for row in _newer(connection, after, deadline)])
        finally:
            connection.execute(f"UNLISTEN {CHANNEL}")
            for _ in connection.notifies(timeout=0):  # drop what arrived since: the next borrower did not ask
                pass


def _newer(connection: Connection, after: int, deadline: float) -> list[tuple]:
    while True:
        rows = connection.execute(SELECT_NEWER, (after, PAGE_SIZE)).fetchall()
        remaining = deadline - time.monotonic()
        if rows or remaining <= 0:
            return rows
        # Blocks this thread in select() on the socket until a notification or the deadline.
        for _ in connection.notifies(timeout=remaining, stop_after=1):
            pass


def _bounded(request: Request, name: str, high: int) -> int:
    """Required; ASCII digits only (no sign, no spaces, no "_"), 0..high."""
    raw = request.query(name)
    if raw is None or not (raw.isascii() and raw.isdigit()) or int(raw) > high:
        raise validation.InvalidInput(f"{name} must be an integer from 0 to {high}")
    return int(raw)
