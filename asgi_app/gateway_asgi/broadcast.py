"""The live feed behind /ws/messages: every stored message, pushed to every
WebSocket subscriber of every Uvicorn worker.

A POST reaches one worker, its subscribers may sit on another, so the fan-out
goes through PostgreSQL: a trigger on table `message` notifies channel
`message_created` with the new id on every INSERT, from any backend
(django_app/gateway_django/migrations/0002_message_notify.py), and each worker LISTENs on one connection of its
own and hands the row to its subscribers. The payload is the id, not the row:
a NOTIFY payload is limited to 8000 bytes, and a 2000-character text can be more.
https://www.postgresql.org/docs/current/sql-notify.html
"""

import asyncio
import logging

import psycopg
from psycopg import AsyncConnection

from gateway_asgi.database import Pool

logger = logging.getLogger(__name__)

CHANNEL = "message_created"
# A subscriber this many messages behind is too slow to follow: it misses the
# newest rather than growing this worker's memory.
QUEUE_SIZE = 100
# Pause before listening again after the database went away.
RETRY_S = 1.0
SELECT_MESSAGE = "SELECT id, author, text, via, created_at FROM message WHERE id = %s"

Row = tuple[object, ...]


class MessageFeed:
    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.subscribers: set[asyncio.Queue[Row]] = set()

    def subscribe(self) -> "asyncio.Queue[Row]":
        queue: asyncio.Queue[Row] = asyncio.Queue(QUEUE_SIZE)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: "asyncio.Queue[Row]") -> None:
        self.subscribers.discard(queue)

    async def listen(self, conninfo: str) -> None:
        """LISTEN until cancelled (lifespan shutdown), reconnecting after a database outage."""
        while True:
            try:
                async with await AsyncConnection.connect(conninfo, autocommit=True) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    async for notification in connection.notifies():
                        if notification.payload.isdigit():  # anything else is not ours to read
                            await self.publish(int(notification.payload))
            except psycopg.Error as error:
                logger.warning("message feed: listening again in %s s: %s", RETRY_S, error)
                await asyncio.sleep(RETRY_S)

    async def publish(self, message_id: int) -> None:
        if not self.subscribers:
            return  # nobody to tell: no query
        async with self.pool.connection() as connection:
            cursor = await connection.execute(SELECT_MESSAGE, (message_id,))
            row = await cursor.fetchone()
        for queue in self.subscribers:
            if row is not None and not queue.full():
                queue.put_nowait(row)
