"""The feed's fan-out to WebSockets, without a database or a server: sends are plain
coroutines; and what its listener knows of the newest message, against the real PostgreSQL."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import psycopg
from conftest import newest_id
from gateway_asgi.broadcast import QUEUE_SIZE, RECENT_SIZE, MessageFeed, Row
from gateway_asgi.database import create_pool
from gateway_asgi.routes.realtime import message_text
from gateway_asgi.settings import Settings
from psycopg_pool import PoolTimeout
from uvicorn.protocols.utils import ClientDisconnected


def row(number: int) -> Row:
    return (number, "feed", f"m{number}", "test", datetime.now(UTC))


def test_each_socket_gets_every_message_in_order_and_a_stuck_one_only_a_bounded_backlog() -> None:
    async def scenario() -> tuple[list[str], list[str], int]:
        feed = MessageFeed(pool=None, encode=message_text)  # type: ignore[arg-type]  # deliver() needs no database
        reading: list[str] = []
        stuck: list[str] = []
        drained = asyncio.Event()  # never set: this client does not read

        async def send_reading(text: str) -> None:
            reading.append(text)

        async def send_stuck(text: str) -> None:
            stuck.append(text)
            await drained.wait()

        feed.add_socket(send_reading)
        feed.add_socket(send_stuck)
        for number in range(1, QUEUE_SIZE + 1):  # a burst in one loop turn: the stuck client's backlog fills
            feed.deliver(row(number))
        await asyncio.sleep(0.05)  # the reading client took them all, the stuck one its first
        for number in range(QUEUE_SIZE + 1, QUEUE_SIZE + 11):
            feed.deliver(row(number))
        await asyncio.sleep(0.05)
        backlog = len(feed.backlogs[send_stuck])
        feed.remove_socket(send_stuck)
        for task in feed.draining:
            task.cancel()
        return reading, stuck, backlog

    reading, stuck, backlog = asyncio.run(scenario())
    assert [json.loads(text)["id"] for text in reading] == list(range(1, QUEUE_SIZE + 11))
    # The stuck client's first send waits; behind it at most QUEUE_SIZE more, the newest dropped.
    assert [json.loads(text)["id"] for text in stuck] == [1]
    assert backlog == QUEUE_SIZE


def test_each_message_is_encoded_once_for_every_socket() -> None:
    encoded: list[Row] = []

    def encode(message: Row) -> str:
        encoded.append(message)
        return message_text(message)

    async def scenario() -> None:
        feed = MessageFeed(pool=None, encode=encode)  # type: ignore[arg-type]

        def socket() -> Callable[[str], Awaitable[None]]:
            async def send(text: str) -> None:
                return None

            return send

        for _ in range(3):
            feed.add_socket(socket())
        feed.deliver(row(1))
        await asyncio.sleep(0.01)

    asyncio.run(scenario())
    assert [message[0] for message in encoded] == [1]


def test_a_socket_whose_client_left_is_dropped_without_an_error() -> None:
    async def scenario() -> MessageFeed:
        feed = MessageFeed(pool=None, encode=message_text)  # type: ignore[arg-type]

        async def send_gone(text: str) -> None:
            raise ClientDisconnected

        feed.add_socket(send_gone)
        feed.deliver(row(1))
        await asyncio.sleep(0.01)
        return feed

    feed = asyncio.run(scenario())
    assert feed.backlogs == {} and feed.draining == set()


def test_a_socket_that_takes_the_frame_at_once_gets_it_during_the_fan_out_without_a_task() -> None:
    async def scenario() -> tuple[list[str], int]:
        feed = MessageFeed(pool=None, encode=message_text)  # type: ignore[arg-type]
        received: list[str] = []

        async def send(text: str) -> None:
            received.append(text)

        feed.add_socket(send)
        feed.deliver(row(1))
        return list(received), len(feed.draining) + len(feed.backlogs)  # before the loop runs anything else

    received, pending = asyncio.run(scenario())
    assert len(received) == 1 and pending == 0


def test_a_send_that_ends_another_socket_during_the_fan_out_does_not_break_it() -> None:
    async def scenario() -> list[str]:
        feed = MessageFeed(pool=None, encode=message_text)  # type: ignore[arg-type]
        received: list[str] = []

        async def send_gone(text: str) -> None:
            return None

        async def send_ending_the_other(text: str) -> None:
            feed.remove_socket(send_gone)
            received.append(text)

        feed.add_socket(send_ending_the_other)
        feed.add_socket(send_gone)
        feed.deliver(row(1))
        await asyncio.sleep(0.01)
        return received

    assert len(asyncio.run(scenario())) == 1


def test_the_listener_keeps_every_message_stored_while_it_listens_and_nothing_after(db: psycopg.Connection) -> None:
    async def until(condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(10):
            while not condition():
                await asyncio.sleep(0.02)

    async def scenario() -> tuple[object, ...]:
        settings = Settings.from_env()
        async with create_pool(settings) as pool:
            feed = MessageFeed(pool=pool, encode=message_text)
            unsure = feed.stored_after(0, 50)  # not listening yet
            listening = asyncio.create_task(feed.listen(settings.conninfo()))
            await until(lambda: feed.complete_after is not None)
            started_after = feed.complete_after
            stored = [
                db.execute(
                    "INSERT INTO message (author, text, via) VALUES ('feed', %s, 'test') RETURNING id", (f"kept {n}",)
                ).fetchone()[0]
                for n in range(3)
            ]
            await until(lambda: len(feed.recent) == 3)
            known = feed.stored_after(stored[0], 50), feed.stored_after(stored[-1], 50), feed.stored_after(stored[0], 1)
            behind = feed.stored_after(started_after - 1, 50)  # older than what it keeps
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening
            return unsure, started_after, stored, known, behind, feed.stored_after(stored[-1], 50)

    before = newest_id(db)
    unsure, started_after, stored, (after_first, after_last, one), behind, stopped = asyncio.run(scenario())
    assert unsure is None  # not listening: ask the database
    assert started_after == before
    assert [item[0] for item in after_first] == stored[1:]
    assert after_last == []  # nothing newer: wait, without a query
    assert [item[0] for item in one] == stored[1:2]
    assert behind is None
    assert stopped is None  # stopped listening: ask the database again


def test_the_feed_keeps_the_newest_recent_size_messages_and_sends_older_polls_to_the_database() -> None:
    async def scenario() -> tuple[object, ...]:
        feed = MessageFeed(pool=None, encode=message_text)  # type: ignore[arg-type]
        feed._keep_from(0)  # as the listener does once LISTEN is in place
        for number in range(1, RECENT_SIZE + 11):
            feed._keep(row(number))
        return feed.stored_after(9, 50), feed.stored_after(10, 500), feed.stored_after(RECENT_SIZE + 10, 50)

    older, kept, newest = asyncio.run(scenario())
    assert older is None
    assert [item[0] for item in kept] == list(range(11, RECENT_SIZE + 11))
    assert newest == []


class NoConnection:
    """A pool that has no connection to give within its timeout."""

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[None]:
        raise PoolTimeout("couldn't get a connection after 10.00 sec")
        yield


def test_a_message_not_read_sends_polls_behind_it_to_the_database_and_the_feed_goes_on() -> None:
    async def scenario() -> tuple[object, ...]:
        feed = MessageFeed(pool=NoConnection(), encode=message_text)  # type: ignore[arg-type]
        feed._keep_from(0)
        feed._keep(row(1))
        await feed.publish(2)  # no exception: the listener listens on
        return feed.stored_after(0, 50), feed.stored_after(1, 50), feed.stored_after(2, 50)

    behind, at_the_missed_one, after_it = asyncio.run(scenario())
    assert behind is None and at_the_missed_one is None  # message 2 is only in the database
    assert after_it == []
