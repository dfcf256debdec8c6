"""A tiny stand-in for the stack, standard library only, for bounded runs.

It answers every contract row under /cgi/, /django/, /fastapi/, /wsgi/,
/asgi/, /django-asgi/ and the server matrix's /was/<variant>/, the static
file, the calibration answer, the WebSocket echo, and the message feed (long
poll, SSE, broadcast WebSocket: a new message every 100 ms), just well enough
for the scenarios' checks, so a real Locust run can produce real CSV and HTML
files in a few seconds. Started without the matrix, it answers /was/ as the
edge does when the variants are not running: its JSON 502.
"""

import base64
import hashlib
import json
import random
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

STATIC_PATH = "/static/landing/style.css"
CALIBRATION_PATH = "/edge-calibration"
# Prefix -> the interface /hello and /info name, and the app a stored message's
# `via` names (a variant runs django's or fastapi's).
BACKENDS = {
    "cgi": ("CGI", "cgi"),
    "django": ("WSGI", "django"),
    "fastapi": ("ASGI", "fastapi"),
    "wsgi": ("WSGI", "wsgi"),
    "asgi": ("ASGI", "asgi"),
    "django-asgi": ("ASGI", "django-asgi"),
    "was/gunicorn-sync-1": ("WSGI", "django"),
    "was/gunicorn-sync": ("WSGI", "django"),
    "was/uvicorn-worker": ("ASGI", "fastapi"),
    "was/granian-wsgi": ("WSGI", "django"),
    "was/granian-asgi": ("ASGI", "fastapi"),
}
MATRIX_PREFIX = "/was/"
# The fake feed: one message this often, for at most this many on one connection.
FEED_INTERVAL_S = 0.1
FEED_MESSAGES = 100
WEBSOCKET_MAGIC = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3


def _world_row() -> dict[str, int]:
    # Test data, not secrets: the standard generator is the right tool.
    return {"id": random.randint(1, 10_000), "randomNumber": random.randint(1, 10_000)}  # noqa: S311


def _split(path: str) -> tuple[str, str]:
    """/django/db -> (django, db); /was/granian-wsgi/db -> (was/granian-wsgi, db)."""
    segments = 3 if path.startswith(MATRIX_PREFIX) else 2
    parts = [*path.split("/", segments), "", "", ""]
    return "/".join(parts[1:segments]), parts[segments]


def _new_message(backend: str) -> dict[str, object]:
    return {
        "id": time.monotonic_ns(),
        "author": "feed",
        "text": "new",
        "via": backend,
        "created_at": datetime.now(UTC).isoformat(),
    }


class ContractHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real edge
    disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms stalls
    matrix_running = True
    unavailable_status = 502

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def _send(self, status: int, body: str | bytes | object, content_type: str) -> None:
        if isinstance(body, str):
            payload = body.encode()
        elif isinstance(body, bytes):
            payload = body
        else:
            payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _json(self, body: object, status: int = 200) -> None:
        self._send(status, body, "application/json")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == STATIC_PATH:
            return self._send(200, "body { margin: 0 }\n", "text/css")
        if url.path == CALIBRATION_PATH:
            return self._send(200, "calibration\n", "text/plain")
        backend, endpoint = _split(url.path)
        if backend not in BACKENDS:
            return self._json({"error": "not found"}, 404)
        if url.path.startswith(MATRIX_PREFIX) and not self.matrix_running:
            return self._json({"error": "the backend is unavailable, try again shortly"}, self.unavailable_status)
        interface, _ = BACKENDS[backend]
        query = parse_qs(url.query)
        match endpoint:
            case "ws/echo" if interface == "ASGI":  # long-lived connections: ASGI only
                self._echo_websocket()
            case "ws/messages" if interface == "ASGI":
                self._feed_websocket(backend)
            case "events/messages" if interface == "ASGI":
                self._message_events(backend)
            case "hello":
                text = f"Hello, {interface} World"
                self._send(200, text, "text/plain; charset=utf-8")
            case "floor" if backend == "cgi":  # /cgi/floor answers as /cgi/hello
                self._send(200, "Hello, CGI World", "text/plain; charset=utf-8")
            case "json":
                self._json({"message": "Hello, World!"})
            case "db" | "direct/db":  # /cgi/direct/db: /cgi/db past PgBouncer
                self._json(_world_row())
            case "queries":
                count = min(max(int(query.get("queries", ["1"])[0]), 1), 500)
                self._json([_world_row() for _ in range(count)])
            case "fortunes":
                rows = "<tr><td>Additional fortune added at request time.</td></tr>"
                page = f"<!doctype html><table>{rows}<tr><td>&lt;script&gt;</td></tr></table>"
                self._send(200, page, "text/html; charset=utf-8")
            case "io":
                waited = int(query["ms"][0])
                time.sleep(waited / 1000)
                self._json({"waited_ms": waited})
            case "info":
                self._json({"interface": interface, "server": "test", "framework": "test", "pid": 1, "python": "3"})
            case "messages":
                self._json([])
            case "poll":
                time.sleep(FEED_INTERVAL_S)
                self._json([_new_message(backend)])
            case "healthz":
                self._json({"status": "ok"})
            case _:
                self._json({"error": "not found"}, 404)

    def do_POST(self) -> None:
        backend, _ = _split(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path.startswith(MATRIX_PREFIX) and not self.matrix_running:
            return self._json({"error": "the backend is unavailable, try again shortly"}, self.unavailable_status)
        _, via = BACKENDS[backend]
        self._json({"id": 1, **body, "via": via}, 201)

    def _message_events(self, backend: str) -> None:
        """A server-sent-events stream of fake messages, until the client leaves or FEED_MESSAGES."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b": subscribed\n\n")
        for _ in range(FEED_MESSAGES):
            time.sleep(FEED_INTERVAL_S)
            message = _new_message(backend)
            self.wfile.write(f"event: message\nid: {message['id']}\ndata: {json.dumps(message)}\n\n".encode())
            self.wfile.flush()

    def _feed_websocket(self, backend: str) -> None:
        """RFC 6455 handshake, then a fake message as a text frame until the client leaves or FEED_MESSAGES."""
        self._accept_websocket()
        for _ in range(FEED_MESSAGES):
            time.sleep(FEED_INTERVAL_S)
            self._write_text_frame(json.dumps(_new_message(backend)).encode())
        self.close_connection = True

    def _echo_websocket(self) -> None:
        """RFC 6455 handshake, then echo text frames until the client closes."""
        self._accept_websocket()
        while (message := self._read_frame()) is not None:
            self._write_text_frame(message)
        self.close_connection = True

    def _accept_websocket(self) -> None:
        digest = hashlib.sha1((self.headers["Sec-WebSocket-Key"] + WEBSOCKET_MAGIC).encode(), usedforsecurity=False)
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", base64.b64encode(digest.digest()).decode())
        self.end_headers()
        self.wfile.flush()

    def _read_frame(self) -> bytes | None:
        header = self.rfile.read(2)
        if len(header) < 2 or header[0] & 0x0F == 0x8:  # closed, or a close frame
            return None
        length = header[1] & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self.rfile.read(2))
        mask = self.rfile.read(4)  # client frames are always masked
        payload = self.rfile.read(length)
        return bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))

    def _write_text_frame(self, payload: bytes) -> None:
        header = bytes([0x81, len(payload)]) if len(payload) < 126 else struct.pack("!BBH", 0x81, 126, len(payload))
        self.wfile.write(header + payload)
        self.wfile.flush()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Locust drops connections mid-request when a run stops; that is expected."""


@contextmanager
def running_contract_server(*, matrix: bool = True, status_without_matrix: int = 502) -> Iterator[str]:
    """Serve on a free port of 127.0.0.1; yields the base URL. Without the server
    matrix, /was/ answers status_without_matrix: 502 as the edge when the
    variants are not running, 504 as when one answers too slowly."""

    class Handler(ContractHandler):
        matrix_running = matrix
        unavailable_status = status_without_matrix

    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
