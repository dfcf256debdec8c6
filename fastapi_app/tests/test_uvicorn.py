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
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

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


@pytest.mark.parametrize("uvicorn", ["as the edge"], indirect=True)
def test_an_idle_websocket_is_pinged_every_websocket_ping_interval(uvicorn: subprocess.Popen) -> None:
    """WEBSOCKET_PING_INTERVAL_S reaches Uvicorn: a socket that sends nothing gets a
    ping within it, where Uvicorn's own default would wait 20 s. websockets' sans-I/O
    client shows every frame received, pings included (the pong it queues is never sent)."""
    client = ClientProtocol(parse_uri("ws://127.0.0.1:8000/fastapi/ws/echo"))
    client.send_request(client.connect())
    received: list[Response | Frame] = []
    with socket.create_connection(("127.0.0.1", 8000), timeout=5) as sock:
        sock.sendall(b"".join(client.data_to_send()))
        while not any(isinstance(event, Frame) for event in received):
            data = sock.recv(4096)
            assert data, f"the server closed the connection after {received}"
            client.receive_data(data)
            for event in client.events_received():
                if isinstance(event, Response):
                    opened = time.monotonic()
                received.append(event)
        waited = time.monotonic() - opened
    response, frame = received
    assert isinstance(response, Response) and response.status_code == 101
    assert isinstance(frame, Frame) and frame.opcode is Opcode.PING
    assert waited < PING_INTERVAL_S + 1
