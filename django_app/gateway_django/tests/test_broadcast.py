"""The feed's fan-out to WebSockets (broadcast.MessageFeed.deliver) and what it
keeps for long polls, without a database or a server: messages are unsaved rows,
sends are plain coroutines; and what its listener keeps while it listens, against
the test database (TransactionTestCase: NOTIFY is delivered at commit)."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from unittest import mock

from django.db import OperationalError
from django.db.models import Max
from django.test import SimpleTestCase, TransactionTestCase
from uvicorn.protocols.utils import ClientDisconnected

from gateway_django import broadcast
from gateway_django.broadcast import QUEUE_SIZE, RECENT_SIZE, MessageFeed
from gateway_django.models import Message

SendText = Callable[[str], Awaitable[None]]


def message(number: int) -> Message:
    return Message(id=number, author="feed", text=f"m{number}", via="test", created_at=datetime.now(UTC))


def reader(received: list[str]) -> SendText:
    """A client that reads at once: each send appends its text."""

    async def send(text: str) -> None:
        received.append(text)

    return send


def ids(texts: list[str]) -> list[int]:
    return [json.loads(text)["id"] for text in texts]


class DeliverTests(SimpleTestCase):
    async def test_each_socket_gets_every_message_in_order_and_a_stuck_one_only_a_bounded_backlog(self) -> None:
        feed = MessageFeed()
        reading: list[str] = []
        stuck: list[str] = []
        drained = asyncio.Event()  # never set: this client does not read

        async def send_stuck(text: str) -> None:
            stuck.append(text)
            await drained.wait()

        feed.add_socket(reader(reading))
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

        self.assertEqual(ids(reading), list(range(1, QUEUE_SIZE + 11)))
        # The stuck client's first send waits; behind it at most QUEUE_SIZE more, the newest dropped.
        self.assertEqual(ids(stuck), [1])
        self.assertEqual(backlog, QUEUE_SIZE)

    async def test_each_message_is_encoded_once_for_every_socket(self) -> None:
        feed = MessageFeed()
        received: list[list[str]] = [[], [], []]
        for texts in received:
            feed.add_socket(reader(texts))
        stored = message(1)
        with mock.patch.object(broadcast, "message_text", wraps=broadcast.message_text) as encode:
            feed.deliver(stored)
            await asyncio.sleep(0.01)
        self.assertEqual(encode.call_count, 1)
        self.assertEqual(received, [[broadcast.message_text(stored)]] * 3)

    async def test_an_idle_socket_has_no_queue_and_no_task(self) -> None:
        feed = MessageFeed()
        tasks = len(asyncio.all_tasks())
        for _ in range(100):
            feed.add_socket(reader([]))
        self.assertEqual((len(asyncio.all_tasks()), feed.subscribers, feed.backlogs), (tasks, set(), {}))

    async def test_a_removed_socket_gets_nothing(self) -> None:
        feed = MessageFeed()
        staying: list[str] = []
        removed: list[str] = []
        send_removed = reader(removed)
        feed.add_socket(reader(staying))
        feed.add_socket(send_removed)
        feed.remove_socket(send_removed)
        feed.deliver(message(1))
        await asyncio.sleep(0.01)
        self.assertEqual((ids(staying), removed), ([1], []))

    async def test_a_socket_whose_client_left_is_dropped_without_an_error(self) -> None:
        feed = MessageFeed()

        async def send_gone(text: str) -> None:
            raise ClientDisconnected

        feed.add_socket(send_gone)
        feed.deliver(message(1))
        await asyncio.sleep(0.01)
        self.assertEqual((feed.backlogs, feed.draining), ({}, set()))

    async def test_a_socket_that_takes_the_frame_at_once_gets_it_during_the_fan_out_without_a_task(self) -> None:
        feed = MessageFeed()
        received: list[str] = []
        feed.add_socket(reader(received))
        feed.deliver(message(1))
        # Before the loop runs anything else:
        self.assertEqual((ids(received), feed.draining, feed.backlogs), ([1], set(), {}))

    async def test_a_send_that_ends_another_socket_during_the_fan_out_does_not_break_it(self) -> None:
        feed = MessageFeed()
        received: list[str] = []
        send_gone = reader([])

        async def send_ending_the_other(text: str) -> None:
            feed.remove_socket(send_gone)
            received.append(text)

        feed.add_socket(send_ending_the_other)
        feed.add_socket(send_gone)
        feed.deliver(message(1))
        await asyncio.sleep(0.01)
        self.assertEqual(ids(received), [1])


def message_ids(messages: list[Message] | None) -> list[int] | None:
    return None if messages is None else [message.id for message in messages]


class StoredAfterTests(SimpleTestCase):
    def test_the_feed_keeps_the_newest_recent_size_messages_and_sends_older_polls_to_the_database(self) -> None:
        feed = MessageFeed()
        feed._keep_from(0)  # as the listener does once LISTEN is in place
        for number in range(1, RECENT_SIZE + 11):
            feed._keep(message(number))
        self.assertIsNone(feed.stored_after(9, 50))
        self.assertEqual(message_ids(feed.stored_after(10, 500)), list(range(11, RECENT_SIZE + 11)))
        self.assertEqual(message_ids(feed.stored_after(10, 3)), [11, 12, 13])
        self.assertEqual(feed.stored_after(RECENT_SIZE + 10, 50), [])

    def test_the_feed_cannot_tell_while_not_listening(self) -> None:
        feed = MessageFeed()
        feed._keep(message(1))  # not listening: not kept
        self.assertIsNone(feed.stored_after(0, 50))
        self.assertEqual(len(feed.recent), 0)

    async def test_a_message_not_read_sends_the_polls_behind_it_to_the_database(self) -> None:
        feed = MessageFeed()
        feed._keep_from(0)
        feed._keep(message(1))

        async def failing(message_id: int) -> Message | None:
            raise OperationalError("server closed the connection unexpectedly")

        with mock.patch.object(broadcast, "read_message", failing):
            await feed.publish(2)
        feed._keep(message(3))
        self.assertEqual((feed.stored_after(0, 50), feed.stored_after(1, 50)), (None, None))
        self.assertEqual(message_ids(feed.stored_after(2, 50)), [3])


class ListenerTests(TransactionTestCase):
    async def test_the_listener_keeps_every_message_stored_while_it_listens_and_nothing_after(self) -> None:
        async def until(condition: Callable[[], bool]) -> None:
            async with asyncio.timeout(10):
                while not condition():
                    await asyncio.sleep(0.02)

        before = await Message.objects.aaggregate(newest=Max("id", default=0))
        feed = MessageFeed()
        unsure = feed.stored_after(0, 50)  # not listening yet
        async with feed.running():
            await until(lambda: feed.complete_after is not None)
            started_after = feed.complete_after
            stored = [(await Message.objects.acreate(author="feed", text=f"kept {n}", via="test")).id for n in range(3)]
            await until(lambda: len(feed.recent) == 3)
            after_first, after_last, one = (
                feed.stored_after(stored[0], 50),
                feed.stored_after(stored[-1], 50),
                feed.stored_after(stored[0], 1),
            )
            behind = feed.stored_after(started_after - 1, 50)  # older than what it keeps
        stopped = feed.stored_after(stored[-1], 50)

        self.assertIsNone(unsure)  # not listening: ask the database
        self.assertEqual(started_after, before["newest"])
        self.assertEqual(message_ids(after_first), stored[1:])
        self.assertEqual(after_last, [])  # nothing newer: wait, without a query
        self.assertEqual(message_ids(one), stored[1:2])
        self.assertIsNone(behind)
        self.assertIsNone(stopped)  # stopped listening: ask the database again
