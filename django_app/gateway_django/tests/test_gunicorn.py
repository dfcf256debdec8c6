"""The real server: Gunicorn with gunicorn.conf.py, mounted under SCRIPT_NAME=/django."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import gunicorn
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase

from gateway_django.models import Message
from gateway_django.seed import seed
from gateway_django.tests.test_endpoints import LARGEST_BODY

APP_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """A Gunicorn child process serving the test database on a free local port."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "SCRIPT_NAME": "/django",
            "POSTGRES_HOST": db["HOST"],
            "POSTGRES_PORT": str(db["PORT"]),
            "POSTGRES_DB": db["NAME"],
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "2",
            **env,
        }

    def __enter__(self) -> "GunicornServer":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "-b",
            f"127.0.0.1:{self.port}",
        ]
        self.process = subprocess.Popen(
            command, cwd=APP_DIR, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc_info: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, timeout: float = 10
    ) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        conn.request(method, path, headers={"Host": settings.PUBLIC_HOST, **(headers or {})})
        response = conn.getresponse()
        response.body = response.read()
        conn.close()
        return response


class GunicornTests(TransactionTestCase):
    def test_prefix_server_and_persistent_worker(self) -> None:
        seed()  # committed, so the Gunicorn process sees it
        with GunicornServer() as server:
            hello = server.request("GET", "/django/hello")
            self.assertEqual((hello.status, hello.body), (200, b"Hello, WSGI World"))

            infos = [json.loads(server.request("GET", "/django/info").body) for _ in range(3)]
            self.assertEqual(infos[0]["server"], f"gunicorn/{gunicorn.__version__}")
            self.assertEqual(len({info["pid"] for info in infos}), 1, "one persistent worker")

            db = server.request("GET", "/django/db")
            self.assertEqual(set(json.loads(db.body)), {"id", "randomNumber"})

            index = server.request("GET", "/django/").body.decode()
            for link in ["/django/hello", "/django/fortunes", "/django/admin/"]:
                self.assertIn(f'href="{link}', index)

            admin = server.request("GET", "/django/admin/")
            self.assertEqual(admin.status, 302)
            self.assertEqual(admin.getheader("Location"), "/django/admin/login/?next=/django/admin/")

            wrong = server.request("DELETE", "/django/hello")
            self.assertEqual((wrong.status, wrong.getheader("Allow")), (405, "GET, HEAD"))
            self.assertEqual(json.loads(wrong.body), {"error": "method not allowed"})

            get, head = server.request("GET", "/django/json"), server.request("HEAD", "/django/json")
            self.assertEqual((head.status, head.body), (200, b""))
            for header in ["Content-Type", "Content-Length"]:
                self.assertEqual(head.getheader(header), get.getheader(header), header)

    def test_forwarding_headers_are_trusted_from_the_edge_only(self) -> None:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        with GunicornServer(TRUSTED_PROXY_CIDR="127.0.0.0/8") as edge:
            trusted = json.loads(edge.request("GET", "/django/info", headers).body)["request"]
        with GunicornServer(TRUSTED_PROXY_CIDR="192.0.2.0/24") as elsewhere:
            spoofed = json.loads(elsewhere.request("GET", "/django/info", headers).body)["request"]
        host = settings.PUBLIC_HOST
        self.assertEqual(trusted, {"client": "203.0.113.9", "scheme": "https", "host": host})
        self.assertEqual(spoofed, {"client": "127.0.0.1", "scheme": "http", "host": host})

    def test_healthz_is_503_when_the_database_is_unreachable(self) -> None:
        with GunicornServer(POSTGRES_PORT=str(free_port())) as server:
            # The worker first tries the database for POOL_WARM_UP_SECONDS (gunicorn.conf.py).
            response = server.request("GET", "/django/healthz", timeout=30)
        self.assertEqual(response.status, 503)
        self.assertEqual(json.loads(response.body), {"status": "unavailable", "database": "unreachable"})

    def test_a_chunked_body_is_never_read_so_never_over_the_limit(self) -> None:
        """Without Content-Length (chunked straight to Gunicorn) WSGIRequest reads no
        body at all: a chunked body one byte over the limit is an empty body to the
        view, a 400, and nothing is stored. Through the edge every body has a length."""
        body = iter([LARGEST_BODY, b" "])
        with GunicornServer() as server:
            # 30 s: the worker's first request loads Django, slow on a busy host.
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            headers = {"Host": settings.PUBLIC_HOST, "Content-Type": "application/json"}
            conn.request("POST", "/django/messages", body=body, headers=headers)
            response = conn.getresponse()
            self.assertEqual((response.status, list(json.loads(response.read()))), (400, ["error"]))
            conn.close()
        self.assertEqual(Message.objects.count(), 0)

    def test_pool_size_follows_the_thread_count(self) -> None:
        pool = settings.DATABASES["default"]["OPTIONS"]["pool"]
        self.assertEqual(pool["max_size"], settings.GUNICORN_THREADS)
        self.assertEqual(pool["min_size"], int(os.environ["DB_POOL_MIN"]))
