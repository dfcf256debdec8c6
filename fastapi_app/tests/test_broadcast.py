"""The feed's fan-out to WebSockets, without a database or a server: sends are plain
coroutines; and what its listener knows of the newest message, against the real PostgreSQL."""

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

import psycopg
from fastapi import WebSocketDisconnect
from gateway_fastapi.broadcast import QUEUE_SIZE, MessageFeed
from gateway_fastapi.schemas import Message
from gateway_fastapi.settings import AppSettings


def message(number: int) -> Message:
    return Message(id=number, author="feed", text=f"m{number}", via="test", created_at=datetime.now(UTC))


def test_each_socket_gets_every_message_in_order_and_a_stuck_one_only_a_bounded_backlog() -> None:
    async def scenario() -> tuple[list[str], list[str], int]:
        feed = MessageFeed(pool=None)  # type: ignore[arg-type]  # deliver() needs no database
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
            feed.deliver(message(number))
        await asyncio.sleep(0.05)  # the reading client took them all, the stuck one its first
        for number in range(QUEUE_SIZE + 1, QUEUE_SIZE + 11):
            feed.deliver(message(number))
        await asyncio.sleep(0.05)
        backlog = len(feed.backlogs[send_stuck])
        feed.remove_socket(send_stuck)
        for task in feed.draining:
            task.cancel()
        return reading, stuck, backlog

    reading, stuck, backlog = asyncio.run(scenario())
    assert [Message.model_validate_json(text).id for text in reading] == list(range(1, QUEUE_SIZE + 11))
    # The stuck client's first send waits; behind it at most QUEUE_SIZE more, the newest dropped.
    assert [Message.model_validate_json(text).id for text in stuck] == [1]
    assert backlog == QUEUE_SIZE


def test_a_socket_whose_client_left_is_dropped_without_an_error() -> None:
    async def scenario() -> MessageFeed:
        feed = MessageFeed(pool=None)  # type: ignore[arg-type]

        async def send_gone(text: str) -> None:
            raise WebSocketDisconnect(code=1006)

        feed.add_socket(send_gone)
        feed.deliver(message(1))
        await asyncio.sleep(0.01)
        return feed

    feed = asyncio.run(scenario())
    assert feed.backlogs == {} and feed.draining == set()


def test_a_socket_that_takes_the_frame_at_once_gets_it_during_the_fan_out_without_a_task() -> None:
    async def scenario() -> tuple[list[str], int]:
        feed = MessageFeed(pool=None)  # type: ignore[arg-type]
        received: list[str] = []

        async def send(text: str) -> None:
            received.append(text)

        feed.add_socket(send)
        feed.deliver(message(1))
        return list(received), len(feed.draining) + len(feed.backlogs)  # before the loop runs anything else

    received, pending = asyncio.run(scenario())
    assert len(received) == 1 and pending == 0


def test_a_send_that_ends_another_socket_during_the_fan_out_does_not_break_it() -> None:
    async def scenario() -> list[str]:
        feed = MessageFeed(pool=None)  # type: ignore[arg-type]
        received: list[str] = []

        async def send_gone(text: str) -> None:
            return None

        async def send_ending_the_other(text: str) -> None:
            feed.remove_socket(send_gone)
            received.append(text)

        feed.add_socket(send_ending_the_other)
        feed.add_socket(send_gone)
        feed.deliver(message(1))
        await asyncio.sleep(0.01)
        return received

    assert len(asyncio.run(scenario())) == 1


def test_the_listener_knows_the_newest_message_only_while_it_listens(
    settings: AppSettings, db: psycopg.Connection
) -> None:
    async def until(condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(10):
            while not condition():
                await asyncio.sleep(0.02)

    async def scenario() -> tuple[bool, int | None, int, bool, bool, int | None]:
        feed = MessageFeed(pool=None)  # type: ignore[arg-type]  # nobody subscribed: no query
        unsure = feed.nothing_after(2**62)  # not listening yet
        listening = asyncio.create_task(feed.listen(settings.conninfo()))
        await until(lambda: feed.newest is not None)
        at_start = feed.newest
        (stored,) = db.execute(
            "INSERT INTO message (author, text, via) VALUES ('feed', 'newest', 'test') RETURNING id"
        ).fetchone()
        await until(lambda: feed.newest == stored)
        knows = feed.nothing_after(stored), feed.nothing_after(stored - 1)
        listening.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listening
        return unsure, at_start, stored, *knows, feed.newest

    before = db.execute("SELECT coalesce(max(id), 0) FROM message").fetchone()[0]
    unsure, at_start, stored, has_newest, one_behind, after_stop = asyncio.run(scenario())
    assert unsure is False
    assert at_start == before and stored > before
    assert (has_newest, one_behind) == (True, False)
    assert after_stop is None  # stopped listening: unsure again
