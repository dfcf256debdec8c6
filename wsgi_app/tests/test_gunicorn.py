"""The real server: Gunicorn with gunicorn.conf.py, the image's SCRIPT_NAME=/wsgi, on a free port."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

APP_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_gunicorn(workers: int, threads: int) -> Iterator[tuple[subprocess.Popen, int]]:
    """gunicorn.conf.py with these sizes on a free port, until the block ends."""
    port = free_port()
    env = {**os.environ, "SCRIPT_NAME": "/wsgi", "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads)}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=APP_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start listening within 20 s")
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def gunicorn() -> Iterator[tuple[subprocess.Popen, int]]:
    with running_gunicorn(workers=1, threads=2) as server:
        yield server


def get(port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    return response, response.read()


def test_the_prefix_is_stripped_by_gunicorn(gunicorn):
    _, port = gunicorn
    response, body = get(port, "/wsgi/hello")
    assert (response.status, body) == (200, b"Hello, WSGI World")


def test_info_names_gunicorn_as_it_reports_itself(gunicorn):
    process, port = gunicorn
    _, body = get(port, "/wsgi/info", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    info = json.loads(body)
    assert info["server"].startswith("gunicorn/")
    assert info["server"].endswith("(threads)")  # the gthread worker sets wsgi.multithread
    assert info["pid"] != process.pid  # a worker answered, not the arbiter
    # 127.0.0.1 is not the edge: its forwarding headers change nothing.
    assert info["request"]["scheme"] == "http"
    assert info["request"]["client"] == "127.0.0.1"


def test_healthz_through_the_server(gunicorn):
    _, port = gunicorn
    response, body = get(port, "/wsgi/healthz")
    assert (response.status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})


def test_head_through_the_server_sends_no_body(gunicorn):
    _, port = gunicorn
    response, body = get(port, "/wsgi/json", method="HEAD")
    assert response.status == 200
    assert int(response.headers["Content-Length"]) == len(b'{"message":"Hello, World!"}')
    assert body == b""


# The contract's largest valid message in its largest legitimate encoding (.env
# derives REQUEST_BODY_MAX_BYTES from it; test_messages.py checks its size).
LARGEST = json.dumps({"author": "\N{GRINNING FACE}" * 80, "text": "\N{GRINNING FACE}" * 2000}).encode()


def post_chunked(port: int, body: bytes) -> tuple[int, object]:
    """POST /wsgi/messages with Transfer-Encoding: chunked (no Content-Length), in 4 KiB chunks."""
    chunks = (body[start : start + 4096] for start in range(0, len(body), 4096))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", "/wsgi/messages", body=chunks, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def test_a_chunked_body_of_exactly_the_limit_is_stored(gunicorn):
    _, port = gunicorn
    status, row = post_chunked(port, LARGEST)
    assert status == 201
    assert row["text"] == "\N{GRINNING FACE}" * 2000


def test_a_chunked_body_one_byte_over_the_limit_is_413(gunicorn):
    _, port = gunicorn
    assert post_chunked(port, LARGEST + b" ") == (413, {"error": "request body too large"})


def test_gunicorn_refuses_to_start_without_the_body_limit():
    env = {**os.environ, "SCRIPT_NAME": "/wsgi", "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2"}
    del env["REQUEST_BODY_MAX_BYTES"]
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{free_port()}"]
    result = subprocess.run(command, cwd=APP_DIR, env=env, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode != 0
    assert "REQUEST_BODY_MAX_BYTES" in result.stderr


def test_each_answer_closes_its_connection(gunicorn):
    _, port = gunicorn
    response, _ = get(port, "/wsgi/hello")  # http.client speaks HTTP/1.1: keep-alive unless told
    assert response.headers["Connection"] == "close"


def test_requests_spread_over_every_workers_threads():
    """2 workers x 2 threads answer 4 concurrent 2 s waits in about 2 s: a worker whose
    threads are busy leaves the next connection to the other (gunicorn.conf.py, issue 14)."""
    wait_ms = 2000
    with running_gunicorn(workers=2, threads=2) as (_, port):
        get(port, "/wsgi/hello")  # one worker answers; the other boots beside it
        time.sleep(3)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(lambda _: get(port, f"/wsgi/io?ms={wait_ms}")[0].status, range(4)))
        elapsed = time.monotonic() - started
    assert statuses == [200] * 4
    # Two waits or more: a request queued behind a busy worker's threads. The
    # slack below that is for a busy host (1.90 s for 1 s waits was seen there).
    assert elapsed < 1.75 * wait_ms / 1000, f"4 requests took {elapsed:.2f} s"


def test_sigterm_stops_gracefully(gunicorn):
    process, _ = gunicorn
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=25) == 0
