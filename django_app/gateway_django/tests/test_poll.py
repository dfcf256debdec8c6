"""GET /poll (routes/poll.py): the new messages as soon as one is stored, [] at the deadline, 400 on bad input.

A TransactionTestCase: LISTEN and NOTIFY take effect at commit, and TestCase
would wrap every test in a transaction that never commits.
"""

import threading
import time

from django.db import connection
from django.http import HttpResponse
from django.test import Client, TransactionTestCase

from gateway_django.models import Message
from gateway_django.routes.poll import CHANNEL


class PollTests(TransactionTestCase):
    def newest_id(self) -> int:
        newest = Message.objects.order_by("-id").first()
        return newest.id if newest else 0

    def test_answers_at_once_with_the_messages_already_newer(self) -> None:
        stored = Message.objects.create(author="poller", text="waiting", via="test")
        started = time.monotonic()
        response = self.client.get("/poll", {"after": stored.id - 1, "timeout_ms": 20000})
        self.assertLess(time.monotonic() - started, 10)  # well before the 20 s timeout
        self.assertEqual(response.json(), [Message.objects.get(id=stored.id).as_json()])

    def test_wakes_when_a_message_is_stored(self) -> None:
        after = self.newest_id()
        answers: list[HttpResponse] = []

        def wait() -> None:
            answers.append(Client().get("/poll", {"after": after, "timeout_ms": 20000}))
            connection.close()  # this thread's connection, back to the pool

        waiting = threading.Thread(target=wait)
        started = time.monotonic()
        waiting.start()
        time.sleep(0.5)  # the thread is listening by now
        Message.objects.create(author="poller", text="wake up", via="test")
        waiting.join(timeout=30)
        elapsed = time.monotonic() - started
        self.assertEqual([message["text"] for message in answers[0].json()], ["wake up"])
        self.assertLess(elapsed, 10, f"answered after {elapsed:.1f} s, the timeout was 20 s")

    def test_answers_an_empty_list_at_the_timeout_and_stops_listening(self) -> None:
        started = time.monotonic()
        response = self.client.get("/poll", {"after": self.newest_id() + 1_000_000, "timeout_ms": 500})
        self.assertGreaterEqual(time.monotonic() - started, 0.5)
        self.assertEqual(response.json(), [])
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_listening_channels()")
            self.assertNotIn((CHANNEL,), cursor.fetchall())

    def test_rejects_bad_parameters(self) -> None:
        after_error = {"error": "after must be an integer from 0 to 9223372036854775807"}
        timeout_error = {"error": "timeout_ms must be an integer from 0 to 30000"}
        cases = [
            ("timeout_ms=100", after_error),
            ("after=-1&timeout_ms=100", after_error),
            ("after=9223372036854775808&timeout_ms=100", after_error),
            ("after=1", timeout_error),
            ("after=1&timeout_ms=30001", timeout_error),
            ("after=1&timeout_ms=1.5", timeout_error),
            ("after=1&timeout_ms=%2B5", timeout_error),
        ]
        for query, error in cases:
            with self.subTest(query=query):
                response = self.client.get(f"/poll?{query}")
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), error)
