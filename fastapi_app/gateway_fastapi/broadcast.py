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
import collections
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

import psycopg
from fastapi import Depends, WebSocketDisconnect
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
# Messages each worker keeps after delivering them: a long poll this many
# messages behind, or fewer, is answered without a query.
RECENT_SIZE = 100
# Pause before listening again after the database went away.
RETRY_S = 1.0
SELECT_MESSAGE = "SELECT id, author, text, via, created_at FROM message WHERE id = %s"
SELECT_NEWEST = "SELECT coalesce(max(id), 0) FROM message"

SendText = Callable[[str], Awaitable[None]]


class MessageFeed:
    """Two kinds of subscriber. A request that waits for the next message (SSE,
    long poll) gets a queue. A WebSocket gets no queue and no task of its own
    while idle (8 KiB less per held socket, no wake-up per socket and message):
    `publish` encodes each message once and starts a send to every socket."""

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection]) -> None:
        self.pool = pool
        self.subscribers: set[asyncio.Queue[Message]] = set()
        self.sockets: set[SendText] = set()
        # What each socket with a send in progress has still to be sent: to a
        # client not reading, whose socket is full, Uvicorn's send waits until
        # it drains. A socket without a backlog costs nothing here.
        self.backlogs: dict[SendText, collections.deque[str]] = {}
        self.draining: set[asyncio.Task[None]] = set()  # a reference to each running task, as asyncio asks
        # The messages this worker was notified of and read, oldest first.
        self.recent: collections.deque[Message] = collections.deque(maxlen=RECENT_SIZE)
        # `recent` holds every stored message with an id above this. None while
        # not listening: a message may pass unnotified, only a query can tell.
        self.complete_after: int | None = None

    def subscribe(self) -> "asyncio.Queue[Message]":
        queue: asyncio.Queue[Message] = asyncio.Queue(QUEUE_SIZE)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: "asyncio.Queue[Message]") -> None:
        self.subscribers.discard(queue)

    def stored_after(self, after: int, limit: int) -> list[Message] | None:
        """The `limit` oldest stored messages newer than `after`, known without a
        query: thousands of long polls re-asked after each message then cost the
        database nothing. None when the feed cannot tell (not listening, or
        `after` older than what it keeps): ask the database."""
        if self.complete_after is None or after < self.complete_after:
            return None
        return sorted((row for row in self.recent if row.id > after), key=lambda row: row.id)[:limit]

    def add_socket(self, send: SendText) -> None:
        self.sockets.add(send)

    def remove_socket(self, send: SendText) -> None:
        """Its send in progress, if any, ends by itself: Uvicorn fails it once the client is gone."""
        self.sockets.discard(send)

    async def listen(self, conninfo: str) -> None:
        """LISTEN until cancelled (lifespan shutdown), reconnecting after a database outage."""
        while True:
            try:
                async with await AsyncConnection.connect(conninfo, autocommit=True) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    try:
                        # After LISTEN: every message stored from now on is notified.
                        (newest,) = await (await connection.execute(SELECT_NEWEST)).fetchone()
                        self._keep_from(newest)
                        async for notification in connection.notifies():
                            if notification.payload.isdigit():  # anything else is not ours to read
                                await self.publish(int(notification.payload))
                    finally:
                        self.complete_after = None  # not listening
            except psycopg.Error as error:
                logger.warning("message feed: listening again in %s s: %s", RETRY_S, error)
                await asyncio.sleep(RETRY_S)

    async def publish(self, message_id: int) -> None:
        # Read even with nobody to tell: the long polls to come are answered from
        # `recent`. Right after a message every poll of this worker has its answer
        # and none has asked again yet; skipping the read then sent the re-asked
        # polls to the database (9,482 of 20,000 got 503 after the pool's 10 s).
        try:
            async with (
                self.pool.connection() as connection,
                connection.cursor(row_factory=class_row(Message)) as cursor,
            ):
                await cursor.execute(SELECT_MESSAGE, (message_id,))
                message = await cursor.fetchone()
        except psycopg.Error as error:  # e.g. no pooled connection within its timeout
            logger.warning("message feed: message %s not read, listening on: %s", message_id, error)
            self._miss(message_id)
            return
        if message is not None:
            self._keep(message)
            self.deliver(message)

    def _keep_from(self, newest: int) -> None:
        """Keep the messages stored after `newest`, from now on (LISTEN is in place)."""
        self.recent.clear()
        self.complete_after = newest

    def _keep(self, message: Message) -> None:
        if self.complete_after is None:
            return  # not listening
        if len(self.recent) == RECENT_SIZE:  # the oldest goes: a poll behind it asks the database
            oldest = self.recent[0]
            self.complete_after = max(self.complete_after, oldest.id)
        self.recent.append(message)

    def _miss(self, message_id: int) -> None:
        """A notified message not read is not in `recent`: a poll behind it asks the database."""
        if self.complete_after is not None:
            self.complete_after = max(self.complete_after, message_id)

    def deliver(self, message: Message) -> None:
        for queue in self.subscribers:
            if not queue.full():
                queue.put_nowait(message)
        text = message.model_dump_json()  # once, not once per socket
        loop = asyncio.get_running_loop()
        for send in tuple(self.sockets):  # a copy: a send may end a socket's handler
            if (backlog := self.backlogs.get(send)) is None:
                self.backlogs[send] = collections.deque([text])
                # Started eagerly: a socket that takes the frame at once (the usual
                # case) is done here, without a task scheduled on the loop per socket;
                # only a full socket leaves one waiting.
                task = asyncio.Task(self._drain(send), loop=loop, eager_start=True)
                if not task.done():
                    self.draining.add(task)
                    task.add_done_callback(self.draining.discard)
            elif len(backlog) < QUEUE_SIZE:
                backlog.append(text)

    async def _drain(self, send: SendText) -> None:
        backlog = self.backlogs[send]
        try:
            while backlog:
                await send(backlog.popleft())
        except WebSocketDisconnect:
            pass  # the client left: its handler sees it and removes the socket
        finally:
            del self.backlogs[send]


async def get_feed(connection: HTTPConnection) -> MessageFeed:
    """The feed the lifespan put in the state, for HTTP and WebSocket routes
    alike; `async def` to stay out of the threadpool, as database.get_pool."""
    return connection.state.feed


Feed = Annotated[MessageFeed, Depends(get_feed)]
