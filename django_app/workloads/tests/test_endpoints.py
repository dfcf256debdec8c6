"""Every contract row through Django's test client, against the real PostgreSQL."""

import json
import os
import time

from django.contrib.auth import get_user_model
from django.test import TestCase

from workloads.models import Fortune, Message, World
from workloads.seed import FORTUNES, WORLD_ROWS, seed


class ContractTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed()

    def assert_world_row(self, row: dict[str, int]) -> None:
        self.assertEqual(set(row), {"id", "randomNumber"})
        self.assertTrue(1 <= row["id"] <= WORLD_ROWS)
        self.assertEqual(World.objects.get(id=row["id"]).randomnumber, row["randomNumber"])


class SeedTests(ContractTestCase):
    def test_seed_is_complete_and_idempotent(self) -> None:
        before = dict(World.objects.values_list("id", "randomnumber"))
        seed()
        self.assertEqual(dict(World.objects.values_list("id", "randomnumber")), before)
        self.assertEqual(len(before), WORLD_ROWS)
        self.assertTrue(all(1 <= number <= WORLD_ROWS for number in before.values()))
        self.assertEqual(
            list(Fortune.objects.order_by("id").values_list("id", "message")), FORTUNES
        )


class ReadEndpointTests(ContractTestCase):
    def test_index(self) -> None:
        # The /django prefix of its links is tested under Gunicorn (test_gunicorn).
        response = self.client.get("/")
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        self.assertContains(response, "WSGI")
        self.assertContains(response, str(os.getpid()))
        self.assertContains(response, 'href="/fortunes"')

    def test_hello(self) -> None:
        response = self.client.get("/hello")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(response.content, b"Hello, WSGI World")

    def test_json(self) -> None:
        response = self.client.get("/json")
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json(), {"message": "Hello, World!"})

    def test_db(self) -> None:
        self.assert_world_row(self.client.get("/db").json())

    def test_queries_count_and_rows(self) -> None:
        for raw, expected in [("", 1), ("abc", 1), ("0", 1), ("20", 20), ("501", 500)]:
            with self.subTest(queries=raw):
                rows = self.client.get("/queries", {"queries": raw}).json()
                self.assertEqual(len(rows), expected)
                self.assert_world_row(rows[0])
        self.assertEqual(len(self.client.get("/queries").json()), 1)

    def test_queries_runs_one_query_per_row(self) -> None:
        with self.assertNumQueries(5):
            self.client.get("/queries", {"queries": "5"})

    def test_fortunes_sorted_escaped_with_the_added_row(self) -> None:
        response = self.client.get("/fortunes")
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        html = response.content.decode()
        self.assertIn("<tr><td>0</td><td>Additional fortune added at request time.</td></tr>", html)
        self.assertIn("&lt;script&gt;alert(&quot;This should not be displayed", html)
        self.assertNotIn("<script>", html)
        self.assertIn("フレームワークのベンチマーク", html)
        self.assertEqual(html.count("<tr><td>"), len(FORTUNES) + 1)
        self.assertLess(html.index("<td>11</td>"), html.index("<td>4</td>"))  # "<script>" < "A bad"

    def test_io_waits(self) -> None:
        started = time.monotonic()
        response = self.client.get("/io", {"ms": "120"})
        self.assertGreaterEqual(time.monotonic() - started, 0.12)
        self.assertEqual(response.json(), {"waited_ms": 120})

    def test_io_rejects_bad_ms(self) -> None:
        for raw in ["-1", "10001", "abc", "1.5"]:
            with self.subTest(ms=raw):
                response = self.client.get("/io", {"ms": raw})
                self.assertEqual(response.status_code, 400)
                self.assertIn("error", response.json())
        self.assertEqual(self.client.get("/io").status_code, 400)

    def test_info(self) -> None:
        body = self.client.get("/info").json()
        self.assertEqual(set(body), {"interface", "server", "framework", "pid", "python"})
        self.assertEqual(body["interface"], "WSGI")
        self.assertTrue(body["framework"].startswith("Django 5.2"))
        self.assertEqual(body["pid"], os.getpid())

    def test_healthz(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["database"], "up")


class MessageEndpointTests(ContractTestCase):
    def post(self, body: object, content_type: str = "application/json"):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post("/messages", data, content_type=content_type)

    def test_post_stores_and_returns_the_row(self) -> None:
        response = self.post({"author": "ann", "text": "<b>hi</b> ✓"})
        self.assertEqual(response.status_code, 201)
        body = response.json()
        stored = Message.objects.get(id=body["id"])
        self.assertEqual(
            body,
            {
                "id": stored.id,
                "author": "ann",
                "text": "<b>hi</b> ✓",
                "via": "django",
                "created_at": stored.created_at.isoformat(),
            },
        )

    def test_get_lists_latest_fifty_newest_first(self) -> None:
        Message.objects.bulk_create(Message(author=f"a{i}", text="t", via="cgi") for i in range(55))
        rows = self.client.get("/messages").json()
        self.assertEqual(len(rows), 50)
        self.assertEqual(rows[0]["author"], "a54")
        self.assertEqual(
            [row["id"] for row in rows], sorted((row["id"] for row in rows), reverse=True)
        )

    def test_rejected_posts_write_nothing(self) -> None:
        bad_bodies = [
            ('{"author": "a"', "application/json"),
            ("[]", "application/json"),
            ('{"author": "a"}', "application/json"),
            ('{"author": 1, "text": "x"}', "application/json"),
            (json.dumps({"author": "a" * 81, "text": "x"}), "application/json"),
            (json.dumps({"author": "a", "text": "x" * 2001}), "application/json"),
            (json.dumps({"author": "a", "text": "\x00"}), "application/json"),
            ('{"author": "a", "text": "b"}', "text/plain"),
        ]
        for body, content_type in bad_bodies:
            with self.subTest(body=body[:40], content_type=content_type):
                response = self.post(body, content_type)
                self.assertEqual(response.status_code, 400)
                self.assertIsInstance(response.json()["error"], str)
        self.assertEqual(Message.objects.count(), 0)

    def test_post_needs_no_csrf_token(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post(
            "/messages", {"author": "a", "text": "b"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 201)


class ErrorTests(ContractTestCase):
    def test_wrong_method_is_json_405_with_allow(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)
        for method, path, allow in [
            ("post", "/hello", "GET"),
            ("delete", "/db", "GET"),
            ("put", "/messages", "GET, POST"),
        ]:
            with self.subTest(method=method, path=path):
                response = getattr(client, method)(path)
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response["Allow"], allow)
                self.assertIn("error", response.json())

    def test_unknown_path_is_json_404(self) -> None:
        for path in ["/nope", "/hello/", "/static/x.css"]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json(), {"error": "not found"})

    def test_unknown_host_is_json_400(self) -> None:
        response = self.client.get("/hello", headers={"host": "evil.example"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"error": "bad request"})


class AdminTests(ContractTestCase):
    def test_models_are_registered(self) -> None:
        admin = get_user_model().objects.create_superuser("root", password="pw-for-tests-only")
        self.client.force_login(admin)
        for model in ["world", "fortune", "message"]:
            with self.subTest(model=model):
                self.assertEqual(self.client.get(f"/admin/workloads/{model}/").status_code, 200)
