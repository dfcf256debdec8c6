"""GET /poll?after=<id>&timeout_ms=<0..30000>: long polling, the CGI way.

This process LISTENs on its own PostgreSQL connection (channel
`message_created`, notified by a trigger on every INSERT through any
backend), reads the messages newer than `after`, and when there are none
sleeps in `Connection.notifies(timeout=...)` until a notification or the
deadline: no query runs while nothing happens. LISTEN comes before the first
SELECT, so a message stored in between still wakes the wait.

What a waiting client costs here: a whole CGI process (its interpreter,
about 20 MB) and one PostgreSQL connection, for the whole wait. fcgiwrap's
FCGI_CHILDREN processes are a hard cap on every /cgi/ request at once, so that
many waiting polls stop every other /cgi/ request until one answers.
https://www.postgresql.org/docs/current/sql-listen.html
https://www.psycopg.org/psycopg3/docs/advanced/async.html#asynchronous-notifications
"""

import time

from gateway_cgi.database import connect
from gateway_cgi.errors import bad_request
from gateway_cgi.request import Request
from gateway_cgi.response import Response, json_response
from gateway_cgi.routes.messages import _message

CHANNEL = "message_created"
# Above this nginx's fastcgi_read_timeout for /cgi/poll (nginx/routes/poll.conf) would cut the wait.
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
    with connect() as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        while True:
            rows = connection.execute(SELECT_NEWER, (after, PAGE_SIZE)).fetchall()
            remaining = deadline - time.monotonic()
            if rows or remaining <= 0:
                return json_response([_message(row) for row in rows])
            # Blocks in the kernel (select on the socket) until a notification or the deadline.
            for _ in connection.notifies(timeout=remaining, stop_after=1):
                pass


def _bounded(request: Request, name: str, high: int) -> int:
    """Required; ASCII digits only (no sign, no spaces, no "_"), 0..high."""
    raw = request.query_param(name)
    if raw is None or not (raw.isascii() and raw.isdigit()) or int(raw) > high:
        raise bad_request(f"{name} must be an integer from 0 to {high}")
    return int(raw)
