"""The live message feed of one Uvicorn worker, behind /ws/messages,
/events/messages and /poll: every stored message, handed to every subscriber.

A POST reaches one worker (or another backend), its subscribers may sit on
another, so the fan-out goes through PostgreSQL: a trigger on table
`message` notifies channel `message_created` with the new id on every INSERT
(django_app/gateway_django/migrations/0002_message_notify.py). The lifespan
(main.py) runs `listen` as a task on one connection of its own per worker,
which reads each new row once, for all of this worker's subscribers. The
payload is the id, not the row: a NOTIFY payload is limited to 8000 bytes,
and a 2000-character text can be more.
https://www.postgresql.org/docs/current/sql-notify.html
"""

import asyncio
import logging
from typing import Annotated

import psycopg
from fastapi import Depends
from psycopg import AsyncConnection
from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool
from starlette.requests import HTTPConnection

from gateway_fastapi.schemas import Message

logger = logging.getLogger(__name__)

CHANNEL = "message_created"
# A subscriber this many messages behind is too slow to follow: it misses the
# newest rather than growing this worker's memory.
QUEUE_SIZE = 100
# Pause before listening again after the database went away.
RETRY_S = 1.0
SELECT_MESSAGE = "SELECT id, author, text, via, created_at FROM message WHERE id = %s"


class MessageFeed:
    def __init__(self, pool: AsyncConnectionPool[AsyncConnection]) -> None:
        self.pool = pool
        self.subscribers: set[asyncio.Queue[Message]] = set()

    def subscribe(self) -> "asyncio.Queue[Message]":
        queue: asyncio.Queue[Message] = asyncio.Queue(QUEUE_SIZE)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: "asyncio.Queue[Message]") -> None:
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
        async with self.pool.connection() as connection, connection.cursor(row_factory=class_row(Message)) as cursor:
            await cursor.execute(SELECT_MESSAGE, (message_id,))
            message = await cursor.fetchone()
        for queue in self.subscribers:
            if message is not None and not queue.full():
                queue.put_nowait(message)


def get_feed(connection: HTTPConnection) -> MessageFeed:
    """The feed the lifespan put in the state, for HTTP and WebSocket routes alike."""
    return connection.state.feed


Feed = Annotated[MessageFeed, Depends(get_feed)]
