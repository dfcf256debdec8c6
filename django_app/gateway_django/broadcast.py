"""The live message feed of one Uvicorn worker (/django-asgi/ only), behind
/poll, /events/messages and /ws/messages: every stored message, handed to
every subscriber of this process.

A POST reaches one worker (or another backend), its subscribers may sit on
another, so the fan-out goes through PostgreSQL: a trigger on table `message`
notifies channel `message_created` with the new id on every INSERT
(migrations/0002_message_notify.py). Django has no API for LISTEN, so the
listener is a psycopg AsyncConnection of its own, one per worker, opened with
the `default` database's settings; config/asgi.py runs it for the lifetime of
the worker (ASGI lifespan). It reads each new row once, with the ORM, for all
of this worker's subscribers, and keeps the last RECENT_SIZE for the long
polls to come (MessageFeed.stored_after). The payload is the id, not the row: a NOTIFY
payload is limited to 8000 bytes, and a 2000-character text can be more.
https://www.postgresql.org/docs/current/sql-notify.html
"""

import asyncio
import collections
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import psycopg
from asgiref.sync import sync_to_async
from django.db import DatabaseError, connection, connections
from django.db.models import Max
from psycopg import AsyncConnection

from gateway_django.models import Message

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

SendText = Callable[[str], Awaitable[None]]


@sync_to_async(thread_sensitive=False)
def read_newer(after: int, count: int) -> list[Message]:
    """The `count` oldest messages with an id above `after`, in a thread (the ORM is
    synchronous); the connection goes back to the pool at once. Under ASGI Django
    returns it only when the request ends, and a waiting client must hold none.
    Nor a thread: in the loop's shared executor, not the request's own thread
    (config/asgi.py), which would live on through the wait that follows; the
    connection is opened and closed within this one call, so no later call
    needs the same thread."""
    try:
        return list(Message.objects.filter(id__gt=after).order_by("id")[:count])
    finally:
        connection.close()


@sync_to_async
def read_message(message_id: int) -> Message | None:
    """One message, for the feed's listener, which runs outside any request: no
    request_finished would return its connection, so it goes back at once."""
    try:
        return Message.objects.filter(id=message_id).first()
    finally:
        connection.close()


@sync_to_async
def read_newest() -> int:
    """The newest stored message id (0 for none), for the feed's listener: like
    `read_message`, outside any request, so its connection goes back at once."""
    try:
        return Message.objects.aggregate(newest=Max("id", default=0))["newest"]
    finally:
        connection.close()


def message_text(message: Message) -> str:
    """A stored message as one /ws/messages frame (and one SSE event's data): the JSON of GET /messages' rows."""
    return json.dumps(message.as_json(), ensure_ascii=False, separators=(",", ":"))


class MessageFeed:
    """Two kinds of subscriber. A request that waits for the next message (SSE,
    long poll) gets a queue. A WebSocket gets no queue and no task of its own
    while idle (as the other ASGI feeds, asgi_app/gateway_asgi/broadcast.py and
    fastapi_app/gateway_fastapi/broadcast.py): `deliver` encodes each message
    once and starts a send to every socket."""

    def __init__(self) -> None:
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
        newer = [message for message in self.recent if message.id > after]
        return sorted(newer, key=lambda message: message.id)[:limit]

    def add_socket(self, send: SendText) -> None:
        self.sockets.add(send)

    def remove_socket(self, send: SendText) -> None:
        """Its send in progress, if any, ends by itself: Uvicorn fails it once the client is gone."""
        self.sockets.discard(send)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Listen in a task of the running loop while the block runs. Does not wait
        for the database: the listener retries until it answers."""
        listening = asyncio.create_task(self.listen())
        try:
            yield
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening  # its connection closed before the loop ends

    async def listen(self) -> None:
        """LISTEN until cancelled, reconnecting after a database outage."""
        while True:
            try:
                async with await AsyncConnection.connect(**_connection_parameters(), autocommit=True) as listener:
                    await listener.execute(f"LISTEN {CHANNEL}")
                    try:
                        # After LISTEN: every message stored from now on is notified.
                        self._keep_from(await read_newest())
                        async for notification in listener.notifies():
                            if notification.payload.isdigit():  # anything else is not ours to read
                                await self.publish(int(notification.payload))
                    finally:
                        self.complete_after = None  # not listening
            except (psycopg.Error, DatabaseError) as error:  # DatabaseError: read_newest's, through the ORM
                logger.warning("message feed: listening again in %s s: %s", RETRY_S, error)
                await asyncio.sleep(RETRY_S)

    async def publish(self, message_id: int) -> None:
        # Read even with nobody to tell: the long polls to come are answered from
        # `recent`. Right after a message every poll of this worker has its answer
        # and none has asked again yet; skipping the read then sent the re-asked
        # polls to the database (9,482 of 20,000 got 503 after the pool's 10 s).
        try:
            message = await read_message(message_id)
        except DatabaseError as error:  # e.g. a pooled connection gone stale in a database restart
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
        if not self.sockets:
            return
        text = message_text(message)  # once, not once per socket
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
        except OSError:
            pass  # the client left (Uvicorn's ClientDisconnected): its handler removes the socket
        finally:
            del self.backlogs[send]


def _connection_parameters() -> dict[str, object]:
    """The `default` database of settings (the test database under the test runner),
    without the pool options, which belong to Django's pooled connections."""
    database = connections["default"].settings_dict
    return {
        "host": database["HOST"],
        "port": database["PORT"],
        "dbname": database["NAME"],
        "user": database["USER"],
        "password": database["PASSWORD"],
        "connect_timeout": database["OPTIONS"]["connect_timeout"],
    }


# This process's feed: each Uvicorn worker has its own (config/asgi.py starts it).
feed = MessageFeed()
