"""Fixtures: the WSGI callable called in-process, through wsgiref's PEP 3333
validator, against the real PostgreSQL named by POSTGRES_* (nothing mocked)."""

import io
import json
from collections.abc import Iterator
from typing import NamedTuple
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import psycopg
import pytest
from gateway_wsgi import database, settings
from gateway_wsgi.app import application

# Every call goes through the validator: it fails the test on anything PEP 3333 forbids.
checked_application = validator(application)


class Result(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        assert self.headers["Content-Type"] == "application/json"
        return json.loads(self.body)


def call(
    method: str,
    path: str,
    *,
    query: str = "",
    body: bytes = b"",
    stream: io.BytesIO | None = None,
    headers: dict[str, str] | None = None,
    peer: str = "192.0.2.7",
) -> Result:
    """One request as Gunicorn would hand it over: the /wsgi prefix already moved to SCRIPT_NAME.
    CONTENT_LENGTH is len(body); `stream`, when given, is wsgi.input instead of the body's bytes
    (with no body, it stands for a chunked request: no CONTENT_LENGTH at all)."""
    environ: dict[str, object] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "/wsgi",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REMOTE_ADDR": peer,
        "SERVER_SOFTWARE": "gunicorn/test",
        "wsgi.input": stream if stream is not None else io.BytesIO(body),
        "wsgi.multithread": True,
    }
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in {"CONTENT_TYPE", "CONTENT_LENGTH"} else f"HTTP_{key}"] = value
    setup_testing_defaults(environ)
    captured: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: object = None) -> object:
        captured.append((status, response_headers))
        return lambda data: None

    chunks = checked_application(environ, start_response)
    try:
        payload = b"".join(chunks)
    finally:
        chunks.close()
    status, response_headers = captured[0]
    return Result(int(status.split()[0]), dict(response_headers), payload)


@pytest.fixture(scope="session", autouse=True)
def pool_closed_at_the_end() -> Iterator[None]:
    """The pool the first database request opened, closed as Gunicorn's worker_exit closes it."""
    yield
    database.close_pool()


@pytest.fixture(scope="session")
def db() -> Iterator[psycopg.Connection]:
    """A connection of its own, to look at the tables the app writes."""
    with psycopg.connect(settings.current().conninfo(), autocommit=True) as connection:
        yield connection


def count_messages(db: psycopg.Connection) -> int:
    (count,) = db.execute("SELECT count(*) FROM message").fetchone()
    return count
