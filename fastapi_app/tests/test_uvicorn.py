"""The app under real Uvicorn, started as the image starts it (python -m gateway_fastapi.serve)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from importlib.metadata import version
from urllib.error import URLError

import pytest

BASE = "http://127.0.0.1:8000/fastapi"
SPOOFED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "Host": "localhost:8443"}
# TRUSTED_PROXY_CIDR for each run: a network holding this test's own address (it acts as the
# edge), or someone else's.
TRUSTED_PROXY_CIDRS = {"as the edge": "127.0.0.0/8", "as a stranger": "192.0.2.0/24"}
# Seconds between the server's WebSocket pings in these runs: short, so a test sees one.
PING_INTERVAL_S = 1
# No proxy: an inherited http_proxy variable must not capture loopback requests.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(path: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(BASE + path, headers=headers or {}, method=method)  # noqa: S310 - fixed http URL
    with OPENER.open(request, timeout=5) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture(scope="module")
def uvicorn(request: pytest.FixtureRequest) -> Iterator[subprocess.Popen]:
    """One worker, so the pid that answers is the process started here."""
    env = {
        **os.environ,
        "UVICORN_WORKERS": "1",
        "UVICORN_LIMIT_CONCURRENCY": "100",
        "UVICORN_BACKLOG": "128",
        "TRUSTED_PROXY_CIDR": TRUSTED_PROXY_CIDRS[request.param],
        "WEBSOCKET_PING_INTERVAL_S": str(PING_INTERVAL_S),
        "WEBSOCKET_PING_TIMEOUT_S": "5",
    }
    process = subprocess.Popen([sys.executable, "-m", "gateway_fastapi.serve"], env=env)
    deadline = time.monotonic() + 20
    while fetch_status("/healthz") != 200:
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("uvicorn did not answer /fastapi/healthz")
        time.sleep(0.1)
    yield process
    process.terminate()  # Uvicorn shuts down gracefully, then exits by the same SIGTERM
    process.wait(timeout=15)


def fetch_status(path: str) -> int | None:
    try:
        return fetch(path)[0]
    except (URLError, ConnectionError):
        return None


@pytest.mark.parametrize("uvicorn", ["as the edge"], indirect=True)
def test_info_server_is_the_running_uvicorn(uvicorn: subprocess.Popen) -> None:
    info = json.loads(fetch("/info")[2])
    assert info["server"] == f"uvicorn/{version('uvicorn')}"
    assert info["pid"] == uvicorn.pid


@pytest.mark.parametrize("uvicorn", ["as the edge"], indirect=True)
def test_forwarding_headers_from_the_edge_are_applied(uvicorn: subprocess.Popen) -> None:
    info = json.loads(fetch("/info", SPOOFED)[2])
    assert info["request"] == {"client": "203.0.113.9", "scheme": "https", "host": "localhost:8443"}


@pytest.mark.parametrize("uvicorn", ["as a stranger"], indirect=True)
def test_forwarding_headers_from_anyone_else_are_ignored(uvicorn: subprocess.Popen) -> None:
    info = json.loads(fetch("/info", SPOOFED)[2])
    assert info["request"] == {"client": "127.0.0.1", "scheme": "http", "host": "localhost:8443"}


@pytest.mark.parametrize("uvicorn", ["as the edge"], indirect=True)
def test_head_has_the_headers_of_get_and_no_body(uvicorn: subprocess.Popen) -> None:
    get_status, get_headers, get_body = fetch("/hello")
    head_status, head_headers, head_body = fetch("/hello", method="HEAD")
    assert (get_status, get_body) == (200, b"Hello, ASGI World")
    assert (head_status, head_body) == (200, b"")
    get_headers.pop("date")
    head_headers.pop("date")
    assert head_headers == get_headers


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    """One server frame (never masked): its opcode and payload. RFC 6455 section 5.2."""

    def read(count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = sock.recv(count - len(data))
            assert chunk, "the server closed the connection"
            data += chunk
        return data

    first, second = read(2)
    length = second & 0x7F
    if length >= 126:
        length = int.from_bytes(read(2 if length == 126 else 8))
    return first & 0x0F, read(length)


@pytest.mark.parametrize("uvicorn", ["as the edge"], indirect=True)
def test_an_idle_websocket_is_pinged_every_websocket_ping_interval(uvicorn: subprocess.Popen) -> None:
    """WEBSOCKET_PING_INTERVAL_S reaches Uvicorn: a socket that sends nothing gets a
    ping (opcode 0x9) within it, where Uvicorn's own default would wait 20 s."""
    with socket.create_connection(("127.0.0.1", 8000), timeout=5) as sock:
        sock.sendall(
            b"GET /fastapi/ws/echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            b"Sec-WebSocket-Version: 13\r\n\r\n"
        )
        handshake = b""
        while b"\r\n\r\n" not in handshake:
            handshake += sock.recv(1)  # byte by byte: the frames after it stay in the socket
        assert handshake.startswith(b"HTTP/1.1 101 ")
        opened = time.monotonic()
        opcode, _ = read_frame(sock)
        waited = time.monotonic() - opened
    assert opcode == 0x9
    assert waited < PING_INTERVAL_S + 1
