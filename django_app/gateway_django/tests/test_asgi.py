"""The same project under ASGI: the async I/O views and the sync ones side by side
(config/urls_asgi.py), through Django's AsyncClient (its requests are ASGIRequest,
as under Uvicorn); the WebSocket echo of config/asgi.py on raw ASGI messages; and
the WSGI deployment's refusal of a WebSocket handshake."""

import asyncio
import json
import time
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.test import TestCase, override_settings
from django.urls import resolve

from gateway_django.models import Message
from gateway_django.seed import seed

ASGI = {"ROOT_URLCONF": "config.urls_asgi", "FORCE_SCRIPT_NAME": "/django-asgi"}


@override_settings(**ASGI)
class AsgiEndpointTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed()

    def test_the_io_rows_are_async_views_and_the_others_sync(self) -> None:
        for path in ("/db", "/queries", "/io", "/messages", "/poll", "/events/messages"):
            self.assertTrue(iscoroutinefunction(resolve(path).func), path)
        for path in ("/", "/info", "/hello", "/json", "/fortunes", "/healthz"):
            self.assertFalse(iscoroutinefunction(resolve(path).func), path)

    async def test_hello_names_asgi(self) -> None:
        response = await self.async_client.get("/hello")
        self.assertEqual(response.content, b"Hello, ASGI World")

    async def test_info_lists_the_async_views(self) -> None:
        info = (await self.async_client.get("/info")).json()
        self.assertEqual(info["interface"], "ASGI")
        self.assertEqual(info["async_views"], ["/db", "/events/messages", "/io", "/messages", "/poll", "/queries"])

    async def test_index_names_the_async_views_and_has_no_admin(self) -> None:
        # The links' /django-asgi prefix is Uvicorn's to test (tests/e2e): the test client sets no script prefix.
        page = (await self.async_client.get("/")).content.decode()
        self.assertIn("<dd>/db, /events/messages, /io, /messages, /poll, /queries</dd>", page)
        self.assertNotIn("admin", page)

    async def test_db_and_queries(self) -> None:
        row = (await self.async_client.get("/db")).json()
        self.assertEqual(set(row), {"id", "randomNumber"})
        rows = (await self.async_client.get("/queries?queries=7")).json()
        self.assertEqual(len(rows), 7)

    async def test_io_waits_without_blocking_the_loop(self) -> None:
        started = time.monotonic()
        responses = await asyncio.gather(*(self.async_client.get("/io?ms=300") for _ in range(10)))
        self.assertEqual([r.json() for r in responses], [{"waited_ms": 300}] * 10)
        self.assertLess(time.monotonic() - started, 3 * 0.3)  # overlapped, not 10 x 0.3 s
        self.assertEqual((await self.async_client.get("/io?ms=abc")).status_code, 400)

    async def test_messages_store_via_django_asgi_and_list_newest_first(self) -> None:
        created = await self.async_client.post(
            "/messages", {"author": "a", "text": "async"}, content_type="application/json"
        )
        self.assertEqual(created.status_code, 201)
        self.assertEqual(created.json()["via"], "django-asgi")
        listed = (await self.async_client.get("/messages")).json()
        self.assertEqual(listed[0]["id"], created.json()["id"])
        bad = await self.async_client.post("/messages", "[]", content_type="application/json")
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(await Message.objects.acount(), 1)

    async def test_wrong_method_is_405_with_allow(self) -> None:
        response = await self.async_client.delete("/messages")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "GET, HEAD, POST")


class WebSocket:
    """One client of an ASGI application's websocket scope, on in-memory queues."""

    def __init__(self, path: str) -> None:
        self.scope = {"type": "websocket", "path": path, "headers": [], "extensions": {"websocket.http.response": {}}}
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def run(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from config.asgi import application

        for message in [{"type": "websocket.connect"}, *messages, {"type": "websocket.disconnect", "code": 1000}]:
            self.inbox.put_nowait(message)
        await asyncio.wait_for(application(self.scope, self.inbox.get, self.outbox.put), 5)
        return [self.outbox.get_nowait() for _ in range(self.outbox.qsize())]


@override_settings(**ASGI)
class AsgiWebSocketTests(TestCase):
    async def test_echo_sends_every_message_back(self) -> None:
        sent = await WebSocket("/django-asgi/ws/echo").run(
            [{"type": "websocket.receive", "text": "héllo"}, {"type": "websocket.receive", "bytes": b"\x00\x01"}]
        )
        self.assertEqual(
            sent,
            [
                {"type": "websocket.accept"},
                {"type": "websocket.send", "text": "héllo"},
                {"type": "websocket.send", "bytes": b"\x00\x01"},
            ],
        )

    async def test_unknown_path_is_a_json_404(self) -> None:
        sent = await WebSocket("/django-asgi/ws/nope").run([])
        self.assertEqual(sent[0]["status"], 404)
        self.assertEqual(json.loads(sent[1]["body"]), {"error": "not found"})


class WsgiWebSocketRefusalTests(TestCase):
    def test_a_handshake_is_a_json_400_saying_why(self) -> None:
        response = self.client.get("/ws/echo", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("WebSocket is not available here", response.json()["error"])
