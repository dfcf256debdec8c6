"""The message feed under ASGI (/django-asgi/): long polling (poll.async_poll), the
SSE stream (realtime.message_events) and the broadcast WebSocket
(realtime.message_feed), all fed by the worker's LISTEN connection
(broadcast.py), which config/asgi.py's lifespan runs.

TransactionTestCase: NOTIFY is delivered at commit, and TestCase would wrap
every test in a transaction that never commits. Each test runs the feed for
itself (`feed.running()`), as the lifespan does for a Uvicorn worker.
"""

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from unittest import mock

from asgiref.sync import sync_to_async
from django.db import OperationalError, connection
from django.test import AsyncRequestFactory, TransactionTestCase, override_settings

from gateway_django import broadcast
from gateway_django.broadcast import CHANNEL, feed, read_newer
from gateway_django.models import Message
from gateway_django.routes import poll, realtime

ASGI = {"ROOT_URLCONF": "config.urls_asgi", "FORCE_SCRIPT_NAME": "/django-asgi"}
# Bounded waits: a wake-up must come well before the poll's own timeout.
POLL_TIMEOUT_MS = 20_000
ARRIVAL_S = 5.0


@sync_to_async
def listeners() -> int:
    """Connections to this (test) database whose last statement was the feed's LISTEN."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = %s",
            [f"LISTEN {CHANNEL}"],
        )
        return cursor.fetchone()[0]


async def until_listeners(count: int) -> None:
    """Until `count` feed connections LISTEN (a closed one leaves pg_stat_activity a moment later)."""
    deadline = time.monotonic() + ARRIVAL_S
    while (found := await listeners()) != count:
        assert time.monotonic() < deadline, f"{found} feed connections LISTEN after 5 s, not {count}"
        await asyncio.sleep(0.05)


async def until_listening() -> None:
    await until_listeners(1)


@sync_to_async
def holds_a_connection() -> bool:
    """Whether this thread's Django connection is open (the ORM's thread of the test)."""
    return connection.connection is not None


@sync_to_async
def in_use() -> int:
    """Connections taken from the pool now (psycopg_pool's statistics)."""
    stats = connection.pool.get_stats()
    return stats["pool_size"] - stats["pool_available"]


async def store(text: str) -> Message:
    return await Message.objects.acreate(author="feed", text=text, via="test")


async def newest_id() -> int:
    newest = await Message.objects.order_by("-id").afirst()
    return newest.id if newest else 0


@override_settings(**ASGI)
class AsyncPollTests(TransactionTestCase):
    async def test_answers_at_once_with_the_messages_already_newer(self) -> None:
        stored = await store("already there")
        started = time.monotonic()
        response = await self.async_client.get("/poll", {"after": stored.id - 1, "timeout_ms": POLL_TIMEOUT_MS})
        self.assertLess(time.monotonic() - started, POLL_TIMEOUT_MS / 2000)
        self.assertEqual(response.json(), [(await Message.objects.aget(id=stored.id)).as_json()])
        self.assertEqual(feed.subscribers, set())

    async def test_wakes_when_a_message_is_stored_and_reads_it_from_the_feed(self) -> None:
        async with feed.running():
            await until_listening()
            after = await newest_id()
            waiting = asyncio.ensure_future(
                self.async_client.get("/poll", {"after": after, "timeout_ms": POLL_TIMEOUT_MS})
            )
            while not feed.subscribers:  # the poll is waiting
                await asyncio.sleep(0.01)
            stored_at = time.monotonic()
            stored = await store("wake up")
            response = await asyncio.wait_for(waiting, POLL_TIMEOUT_MS / 1000 + 5)
            elapsed = time.monotonic() - stored_at
        self.assertEqual([(m["id"], m["text"]) for m in response.json()], [(stored.id, "wake up")])
        self.assertLess(elapsed, ARRIVAL_S, f"answered {elapsed:.1f} s after the INSERT; the timeout was 20 s")
        self.assertEqual(feed.subscribers, set())

    async def test_many_waiting_polls_share_one_listener_and_all_wake(self) -> None:
        async with feed.running():
            await until_listening()
            after = await newest_id()
            polls = [
                asyncio.ensure_future(self.async_client.get("/poll", {"after": after, "timeout_ms": POLL_TIMEOUT_MS}))
                for _ in range(20)
            ]
            while len(feed.subscribers) < len(polls):
                await asyncio.sleep(0.01)
            self.assertEqual(await listeners(), 1)  # one LISTEN connection for all 20 waiting clients
            stored = await store("for all")
            responses = await asyncio.wait_for(asyncio.gather(*polls), ARRIVAL_S)
        self.assertEqual({tuple(m["id"] for m in r.json()) for r in responses}, {(stored.id,)})

    async def test_a_poll_the_feed_can_answer_is_answered_from_its_memory_without_a_query(self) -> None:
        async with feed.running():
            await until_listening()
            async with asyncio.timeout(ARRIVAL_S):
                while feed.complete_after is None:  # the listener has read the newest id
                    await asyncio.sleep(0.01)
            stored = [await store(f"kept {n}") for n in range(3)]
            async with asyncio.timeout(ARRIVAL_S):
                while len(feed.recent) < len(stored):  # the feed has read them
                    await asyncio.sleep(0.01)
            with mock.patch.object(poll, "read_newer", side_effect=AssertionError("read the database")) as read:
                response = await self.async_client.get("/poll", {"after": stored[0].id, "timeout_ms": 0})
        self.assertEqual(read.call_count, 0)
        self.assertEqual([m["id"] for m in response.json()], [message.id for message in stored[1:]])

    async def test_answers_an_empty_list_at_the_timeout(self) -> None:
        started = time.monotonic()
        response = await self.async_client.get("/poll", {"after": await newest_id() + 1_000_000, "timeout_ms": 500})
        self.assertGreaterEqual(time.monotonic() - started, 0.5)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), [])
        self.assertEqual(feed.subscribers, set())

    async def test_the_read_before_waiting_hands_its_connection_back_and_leaves_the_requests_thread_alone(
        self,
    ) -> None:
        await store("one")
        self.assertTrue(await holds_a_connection())  # the INSERT's, in the request's own thread
        checked_out = await in_use()
        self.assertEqual(len(await read_newer(0, 50)), 1)
        self.assertEqual(await in_use(), checked_out)  # its own connection back in the pool
        self.assertTrue(await holds_a_connection())  # the request's thread kept its own: the read ran in another

    async def test_rejects_bad_parameters_with_the_contract_error(self) -> None:
        after_error = {"error": "after must be an integer from 0 to 9223372036854775807"}
        timeout_error = {"error": "timeout_ms must be an integer from 0 to 30000"}
        cases = [
            ("timeout_ms=100", after_error),
            ("after=x&timeout_ms=100", after_error),
            ("after=-1&timeout_ms=100", after_error),
            ("after=1", timeout_error),
            ("after=1&timeout_ms=30001", timeout_error),
        ]
        for query, error in cases:
            with self.subTest(query=query):
                response = await self.async_client.get(f"/poll?{query}")
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), error)


def events(chunks: bytes) -> list[dict[str, str]]:
    """The SSE events in a stream's bytes: each a dict of its fields."""
    parsed = []
    for block in chunks.decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
        if fields:
            parsed.append(fields)
    return parsed


async def leave(stream: AsyncIterator[bytes]) -> None:
    """What Django's ASGI handler does when the client leaves: cancel the task
    that iterates the stream, where the stream waits for the next message."""
    waiting = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.1)  # in the stream's wait by now
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiting


@override_settings(**ASGI)
class MessageEventsTests(TransactionTestCase):
    async def open_stream(self, **headers: str) -> AsyncIterator[bytes]:
        response = await self.async_client.get("/events/messages", headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/event-stream; charset=utf-8")
        self.assertEqual(response["X-Accel-Buffering"], "no")
        return aiter(response.streaming_content)

    async def test_streams_each_stored_message_as_an_event(self) -> None:
        async with feed.running():
            await until_listening()
            stream = await self.open_stream()
            self.assertEqual(await anext(stream), b": subscribed\n\n")
            stored = await store("streamed")
            chunk = await asyncio.wait_for(anext(stream), ARRIVAL_S)
            await leave(stream)
        [event] = events(chunk)
        self.assertEqual(event["event"], "message")
        self.assertEqual(event["id"], str(stored.id))
        self.assertEqual(json.loads(event["data"]), (await Message.objects.aget(id=stored.id)).as_json())
        self.assertEqual(feed.subscribers, set())

    async def test_replays_what_is_newer_than_last_event_id(self) -> None:
        seen = await store("seen")
        missed = [await store(f"missed {n}") for n in range(3)]
        stream = await self.open_stream(**{"Last-Event-ID": str(seen.id)})
        self.assertEqual(await anext(stream), b": subscribed\n\n")
        replayed = [events(await anext(stream))[0]["id"] for _ in missed]
        await leave(stream)
        self.assertEqual(replayed, [str(message.id) for message in missed])

    async def test_head_has_the_headers_and_an_empty_stream(self) -> None:
        # The view itself: the test client empties a HEAD response's body on its own.
        response = await realtime.message_events(AsyncRequestFactory().head("/events/messages"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/event-stream; charset=utf-8")
        self.assertEqual([chunk async for chunk in response.streaming_content], [])
        self.assertEqual(feed.subscribers, set())


class FeedClient:
    """One WebSocket client of config/asgi.py's application, on in-memory queues."""

    def __init__(self, path: str) -> None:
        from config.asgi import application

        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        scope = {"type": "websocket", "path": path, "headers": [], "extensions": {}}
        self.inbox.put_nowait({"type": "websocket.connect"})
        self.running = asyncio.ensure_future(application(scope, self.inbox.get, self.outbox.put))

    async def sent(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.outbox.get(), ARRIVAL_S)

    async def leave(self) -> None:
        self.inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.running, ARRIVAL_S)


@override_settings(**ASGI)
class MessageFeedWebSocketTests(TransactionTestCase):
    async def test_every_connected_client_gets_each_stored_message(self) -> None:
        async with feed.running():
            await until_listening()
            clients = [FeedClient("/django-asgi/ws/messages") for _ in range(3)]
            for client in clients:
                self.assertEqual(await client.sent(), {"type": "websocket.accept"})
            stored = await store("to everyone")
            pushed = [await client.sent() for client in clients]
            for client in clients:
                await client.leave()
        expected = (await Message.objects.aget(id=stored.id)).as_json()
        self.assertEqual([json.loads(frame["text"]) for frame in pushed], [expected] * 3)
        self.assertEqual(feed.sockets, set())  # each left: its socket removed

    async def test_a_client_that_leaves_ends_its_handler_and_removes_its_socket(self) -> None:
        client = FeedClient("/django-asgi/ws/messages")
        self.assertEqual(await client.sent(), {"type": "websocket.accept"})
        self.assertEqual((len(feed.sockets), feed.subscribers), (1, set()))  # a socket, no queue
        await client.leave()  # returns once the handler has ended
        self.assertEqual(feed.sockets, set())


class FeedTests(TransactionTestCase):
    async def test_a_failed_read_costs_that_message_only_and_the_feed_listens_on(self) -> None:
        failures = [OperationalError("server closed the connection unexpectedly")]
        read = broadcast.read_message

        async def failing_once(message_id: int) -> Message | None:
            if failures:
                raise failures.pop()
            return await read(message_id)

        with mock.patch.object(broadcast, "read_message", failing_once):
            async with feed.running():
                await until_listening()
                queue = feed.subscribe()
                try:
                    await store("lost")
                    await store("after")
                    arrived = await asyncio.wait_for(queue.get(), ARRIVAL_S)
                finally:
                    feed.unsubscribe(queue)
        self.assertEqual((failures, arrived.text), ([], "after"))


@override_settings(**ASGI)
class LifespanTests(TransactionTestCase):
    async def test_the_lifespan_runs_one_listener_from_startup_to_shutdown(self) -> None:
        from config.asgi import application

        inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        inbox.put_nowait({"type": "lifespan.startup"})
        running = asyncio.ensure_future(application({"type": "lifespan"}, inbox.get, outbox.put))
        self.assertEqual(await asyncio.wait_for(outbox.get(), ARRIVAL_S), {"type": "lifespan.startup.complete"})
        await until_listening()
        inbox.put_nowait({"type": "lifespan.shutdown"})
        self.assertEqual(await asyncio.wait_for(outbox.get(), ARRIVAL_S), {"type": "lifespan.shutdown.complete"})
        await running
        await until_listeners(0)  # its connection closed
