"""Every contract row through Django's test client, against the real PostgreSQL."""

import json
import os
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from gateway_django.models import Fortune, Message, World
from gateway_django.seed import FORTUNES, WORLD_ROWS, seed


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
        self.assertEqual(list(Fortune.objects.order_by("id").values_list("id", "message")), FORTUNES)


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
        body = self.client.get("/info", SERVER_SOFTWARE="gunicorn/x.y").json()
        self.assertEqual(
            set(body), {"interface", "server", "framework", "hostname", "pid", "python", "request", "async_views"}
        )
        self.assertEqual(body["interface"], "WSGI")
        self.assertEqual(body["async_views"], [])  # the admin's views included: every view is sync under WSGI
        self.assertEqual(body["server"], "gunicorn/x.y")  # what the server put in the environ
        self.assertTrue(body["framework"].startswith("Django 5.2"))
        self.assertEqual(body["hostname"], socket.gethostname())
        self.assertEqual(body["pid"], os.getpid())
        self.assertEqual(body["request"], {"client": "127.0.0.1", "scheme": "http", "host": "testserver"})

    def test_info_trusts_x_forwarded_for_from_the_edge_only(self) -> None:
        forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}
        edge = str(next(settings.TRUSTED_PROXY_CIDR.hosts()))
        from_edge = self.client.get("/info", REMOTE_ADDR=edge, **forwarded).json()
        from_elsewhere = self.client.get("/info", REMOTE_ADDR="192.0.2.1", **forwarded).json()
        # The edge's own entry is the last one; anything before it came from the client.
        self.assertEqual(from_edge["request"]["client"], "198.51.100.7")
        self.assertEqual(from_elsewhere["request"]["client"], "192.0.2.1")

    def test_healthz(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_every_get_route_answers_head(self) -> None:
        # The body is dropped by the server (the test client mimics it); test_gunicorn checks Gunicorn's.
        routes = ["/", "/info", "/hello", "/json", "/db", "/queries", "/fortunes", "/io?ms=0", "/messages", "/healthz"]
        for path in routes:
            with self.subTest(path=path):
                head, get = self.client.head(path), self.client.get(path)
                self.assertEqual(head.status_code, 200)
                self.assertEqual(head["Content-Type"], get["Content-Type"])


# The contract's largest valid message (author 80, text 2000 characters) in its
# largest legitimate encoding: json.dumps defaults, each character outside the
# BMP a 12-byte surrogate pair of escapes (.env derives REQUEST_BODY_MAX_BYTES from it).
LARGEST = {"author": "\N{GRINNING FACE}" * 80, "text": "\N{GRINNING FACE}" * 2000}
LARGEST_BODY = json.dumps(LARGEST).encode()


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

    def test_one_insert_returning_and_created_at_from_the_database(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            body = self.post({"author": "ann", "text": "hi"}).json()
        # One statement: the INSERT gives created_at the column's DEFAULT and
        # returns the row the answer is made of; no second SELECT.
        self.assertEqual(len(queries), 1, queries.captured_queries)
        insert = queries[0]["sql"]
        self.assertTrue(insert.startswith('INSERT INTO "message" ('), insert)
        columns = insert[insert.index("(") + 1 : insert.index(")")].split(", ")
        values = insert[insert.index("VALUES (") + len("VALUES (") : insert.index(") RETURNING")].split(", ")
        self.assertEqual(dict(zip(columns, values, strict=True))['"created_at"'], "DEFAULT")
        self.assertIn('"message"."created_at"', insert.split("RETURNING", 1)[1])
        self.assertEqual(body["created_at"], Message.objects.get(id=body["id"]).created_at.isoformat())

    def test_get_lists_latest_fifty_by_id_newest_first(self) -> None:
        # created_at runs backwards here: the order must still follow the ids.
        start = Message.objects.create(author="first", text="t", via="cgi").created_at
        Message.objects.bulk_create(
            Message(author=f"a{i}", text="t", via="cgi", created_at=start - timedelta(minutes=i)) for i in range(55)
        )
        rows = self.client.get("/messages").json()
        self.assertEqual(len(rows), 50)
        self.assertEqual(rows[0]["author"], "a54")
        ids = [row["id"] for row in rows]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertEqual(ids[0], Message.objects.latest("id").id)

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
                self.assertEqual(list(response.json()), ["error"])
                self.assertIsInstance(response.json()["error"], str)
        self.assertEqual(Message.objects.count(), 0)

    def test_the_limit_is_the_largest_valid_message(self) -> None:
        self.assertEqual(len(LARGEST_BODY), int(os.environ["REQUEST_BODY_MAX_BYTES"]))
        self.assertEqual(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, len(LARGEST_BODY))

    def test_a_body_of_exactly_the_limit_is_stored(self) -> None:
        response = self.post(LARGEST_BODY)
        self.assertEqual(response.status_code, 201)
        self.assertEqual({key: response.json()[key] for key in ("author", "text")}, LARGEST)

    def test_one_byte_over_the_limit_is_json_413_and_writes_nothing(self) -> None:
        response = self.post(LARGEST_BODY + b" ")  # still valid JSON: refused for its size alone
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json(), {"error": "request body too large"})
        self.assertEqual(Message.objects.count(), 0)

    def test_post_needs_no_csrf_token(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post("/messages", {"author": "a", "text": "b"}, content_type="application/json")
        self.assertEqual(response.status_code, 201)


class ErrorTests(ContractTestCase):
    def test_wrong_method_is_json_405_with_allow(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)
        for method, path, allow in [
            ("post", "/hello", "GET, HEAD"),
            ("delete", "/db", "GET, HEAD"),
            ("post", "/", "GET, HEAD"),
            ("put", "/messages", "GET, HEAD, POST"),
        ]:
            with self.subTest(method=method, path=path):
                response = getattr(client, method)(path)
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response["Allow"], allow)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertEqual(response.json(), {"error": "method not allowed"})

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
                self.assertEqual(self.client.get(f"/admin/gateway_django/{model}/").status_code, 200)
