"""What Django's own request handling costs under its WSGI and its ASGI handler.

In one process, no server, no network, no database: N requests one after
another straight into django.core.handlers.wsgi.WSGIHandler and
django.core.handlers.asgi.ASGIHandler, the project's settings and middleware:
GET /hello (the same sync view under both) and GET /io?ms=0 (sync under WSGI,
`async def` under ASGI). Printed: requests per second on this process, and CPU
seconds per 1,000 requests (process time, every thread included), which a busy
host does not distort the way it distorts wall time. Run it in the image, with
the django-asgi service's environment (django_app/README.md: "Under ASGI"):

    python -m tools.handler_cost [-n REQUESTS]     # in /srv/django_app

(The image leaves tools/ out: mount it, as the README's command does.)
"""

import argparse
import asyncio
import io
import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_asgi")

import django

django.setup()

from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test import override_settings  # noqa: E402

ROWS = (("/hello", ""), ("/io", "ms=0"))


def wsgi_request(handler: WSGIHandler, path: str, query: str) -> bytes:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
    }
    return b"".join(handler(environ, lambda status, headers: None))


async def asgi_request(handler: ASGIHandler, prefix: str, path: str, query: str) -> list[dict[str, Any]]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": prefix + path,
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
    }
    pending = [{"type": "http.request", "body": b"", "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop()
        await asyncio.Event().wait()  # the client stays; Django cancels this listener when it is done
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await handler(scope, receive, send)
    return sent


def measure(label: str, count: int, run: Callable[[], object]) -> None:
    run()  # warm: imports, URL resolver, template loaders
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:40s} {count / wall:7.0f} req/s  {1000 * cpu / count:6.3f} CPU s per 1,000")


def run_wsgi(path: str, query: str, count: int) -> None:
    with override_settings(ROOT_URLCONF="config.urls", FORCE_SCRIPT_NAME=None):
        handler = WSGIHandler()
        measure(f"WSGI handler {path}", count, lambda: [wsgi_request(handler, path, query) for _ in range(count)])


def run_asgi(path: str, query: str, count: int) -> None:
    handler, prefix = ASGIHandler(), os.environ["SCRIPT_NAME"]

    async def one_by_one() -> None:
        for _ in range(count):
            await asgi_request(handler, prefix, path, query)

    measure(f"ASGI handler {path}", count, lambda: asyncio.run(one_by_one()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="requests per row and handler (default 2000)")
    count = parser.parse_args().n
    for path, query in ROWS:
        run_wsgi(path, query, count)
        run_asgi(path, query, count)


if __name__ == "__main__":
    main()
