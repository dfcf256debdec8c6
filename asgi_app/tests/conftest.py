"""Fixtures: the ASGI callable under a real Uvicorn (lifespan, httptools, uvloop,
websockets, as serve.py runs it) on a free loopback port, against the real
PostgreSQL named by POSTGRES_*; nothing is mocked."""

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import psycopg
import pytest
import uvicorn
from gateway_asgi.app import application
from gateway_asgi.settings import Settings

# The tests' client plays the edge: its forwarding headers are trusted.
TRUSTED_PEER = "127.0.0.1"


class Result(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> object:
        assert self.headers["Content-Type"] == "application/json"
        return json.loads(self.body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def port() -> Iterator[int]:
    """Uvicorn in a thread of this process, stopped (lifespan shutdown included) at the end."""
    port = free_port()
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        lifespan="on",
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        proxy_headers=True,
        forwarded_allow_ips=TRUSTED_PEER,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=15)


def call(
    port: int,
    method: str,
    path: str,
    body: bytes | Iterable[bytes] | None = None,
    headers: dict[str, str] | None = None,
):
    """One request; an iterable body goes out chunked (http.client adds Transfer-Encoding itself)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return Result(response.status, response.headers, response.read())


@pytest.fixture
def get(port):
    return lambda path, **kwargs: call(port, "GET", path, **kwargs)


@pytest.fixture(scope="session")
def db() -> Iterator[psycopg.Connection]:
    """A connection of its own, to look at the tables the app writes."""
    with psycopg.connect(Settings.from_env().conninfo(), autocommit=True) as connection:
        yield connection


def count_messages(db: psycopg.Connection) -> int:
    (count,) = db.execute("SELECT count(*) FROM message").fetchone()
    return count


def newest_id(db: psycopg.Connection) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM message").fetchone()[0]
