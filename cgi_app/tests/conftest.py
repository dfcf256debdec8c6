"""Fixtures: the real PostgreSQL named by POSTGRES_*, and a real fcgiwrap serving gateway.py and floor.py."""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cgi_client import FLOOR, GATEWAY


@pytest.fixture
def database() -> Iterator[psycopg.Connection]:
    password = Path(os.environ["POSTGRES_PASSWORD_FILE"]).read_text().strip()
    with psycopg.connect(
        host=os.environ["POSTGRES_HOST"],
        port=int(os.environ.get("POSTGRES_PORT", "5432")),
        dbname=os.environ["POSTGRES_DB"],
        user=os.environ["POSTGRES_USER"],
        password=password,
        autocommit=True,
    ) as connection:
        yield connection


def message_count(connection: psycopg.Connection) -> int:
    return connection.execute("SELECT count(*) FROM message").fetchone()[0]


def start_fcgiwrap(children: int = 2) -> tuple[subprocess.Popen, str]:
    """fcgiwrap as the image runs it, on a free loopback port, in its own process group."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        ["fcgiwrap", "-c", str(children), "-s", f"tcp:127.0.0.1:{port}", "-p", str(GATEWAY), "-p", str(FLOOR)],
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("fcgiwrap did not start listening")


def stop_process_group(process: subprocess.Popen) -> None:
    """What tini -g does on `docker stop`: SIGTERM to fcgiwrap's whole process group."""
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def fcgiwrap() -> Iterator[str]:
    process, address = start_fcgiwrap()
    yield address
    stop_process_group(process)
