"""GET /poll?after=<id>&timeout_ms=<0..30000>: long polling on an ASGI coroutine.

The request subscribes to its worker's message feed (broadcast.py: one
LISTEN connection per worker, on channel `message_created`, notified by a
trigger on every INSERT through any backend), then reads the messages newer
than `after`. When there are none it awaits the feed's queue until a message
arrives or the deadline: no query and no connection while it waits, and the
row the feed read once for all its subscribers is the answer. Subscribing
comes before the SELECT, so a message stored in between still wakes the wait.
A client at most RECENT_SIZE messages behind is answered from the feed's
memory instead (broadcast.MessageFeed.stored_after): 10,000 pollers
re-asking after each message are then no 10,000 queries through a pool of
DB_POOL_MAX (with them, 642 of 10,000 polls timed out waiting for a
connection, make bench-conns, 2026-11-26).

What a waiting client costs here: one coroutine and one small queue in a
Uvicorn worker, and no PostgreSQL connection; the limits are memory and
file descriptors, not threads or processes.
"""

import asyncio

from gateway_asgi import validation
from gateway_asgi.broadcast import MessageFeed, Row
from gateway_asgi.request import Request
from gateway_asgi.responses import Response, json_response
from gateway_asgi.routes.messages import as_json

# Above this nginx's proxy_read_timeout for /asgi/poll (nginx/routes/poll.conf) would cut the wait.
MAX_TIMEOUT_MS = 30_000
# The id column is a bigint.
MAX_ID = 2**63 - 1
# A client far behind catches up in pages: it asks again with the last id it got.
PAGE_SIZE = 50
SELECT_NEWER = "SELECT id, author, text, via, created_at FROM message WHERE id > %s ORDER BY id LIMIT %s"


async def poll(request: Request) -> Response:
    after = validation.bounded_integer("after", request.query("after"), 0, MAX_ID)
    timeout_ms = validation.bounded_integer("timeout_ms", request.query("timeout_ms"), 0, MAX_TIMEOUT_MS)
    feed: MessageFeed = request.scope["state"]["feed"]
    queue = feed.subscribe()
    try:
        rows = feed.stored_after(after, PAGE_SIZE)
        if rows is None:  # the feed cannot tell: ask the database
            async with request.pool.connection() as connection:
                cursor = await connection.execute(SELECT_NEWER, (after, PAGE_SIZE))
                rows = await cursor.fetchall()
        if not rows:
            rows = await _next_rows(queue, after, timeout_ms / 1000)
    finally:
        feed.unsubscribe(queue)
    return json_response([as_json(row) for row in rows])


async def _next_rows(queue: "asyncio.Queue[Row]", after: int, timeout_s: float) -> list[Row]:
    """The first newer row the feed brings within the timeout, and any queued with it; [] at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    rows: list[Row] = []
    while not rows:
        try:
            async with asyncio.timeout_at(deadline):
                rows.append(await queue.get())
        except TimeoutError:
            return []
        while not queue.empty():
            rows.append(queue.get_nowait())
        rows = [row for row in rows if row[0] > after]
    return rows
