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
Uvicorn worker, and no PostgreSQL connection; the limits are memory and file
descriptors, not threads or processes.
"""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query
from psycopg.rows import class_row

from gateway_fastapi.broadcast import Feed
from gateway_fastapi.database import Pool
from gateway_fastapi.schemas import Message
from gateway_fastapi.validation import Digits

router = APIRouter(tags=["poll"])

# Above this nginx's proxy_read_timeout for /fastapi/poll (nginx/routes/poll.conf) would cut the wait.
MAX_TIMEOUT_MS = 30_000
# The id column is a bigint.
MAX_ID = 2**63 - 1
# A client far behind catches up in pages: it asks again with the last id it got.
PAGE_SIZE = 50
SELECT_NEWER = "SELECT id, author, text, via, created_at FROM message WHERE id > %s ORDER BY id LIMIT %s"


@router.get("/poll")
async def poll(
    after: Annotated[Digits, Query(ge=0, le=MAX_ID, description="The last message id the client has")],
    timeout_ms: Annotated[Digits, Query(ge=0, le=MAX_TIMEOUT_MS, description="How long to wait for one")],
    pool: Pool,
    feed: Feed,
) -> list[Message]:
    """The messages newer than `after`, oldest first, as soon as there is one;
    [] when `timeout_ms` passes first."""
    queue = feed.subscribe()
    try:
        newer = feed.stored_after(after, PAGE_SIZE)
        if newer is None:  # the feed cannot tell: ask the database
            async with pool.connection() as connection, connection.cursor(row_factory=class_row(Message)) as cursor:
                await cursor.execute(SELECT_NEWER, (after, PAGE_SIZE))
                newer = await cursor.fetchall()
        if newer:
            return newer
        return await _next_messages(queue, after, timeout_ms / 1000)
    finally:
        feed.unsubscribe(queue)


async def _next_messages(queue: "asyncio.Queue[Message]", after: int, timeout_s: float) -> list[Message]:
    """The first newer message the feed brings within the timeout, and any queued with it; [] at the deadline."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    newer: list[Message] = []
    while not newer:
        try:
            async with asyncio.timeout_at(deadline):
                newer.append(await queue.get())
        except TimeoutError:
            return []
        while not queue.empty():
            newer.append(queue.get_nowait())
        newer = [message for message in newer if message.id > after]
    return newer
