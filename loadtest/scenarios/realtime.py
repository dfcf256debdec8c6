"""Clients that wait for messages instead of asking for work: long polling on
every backend, the SSE message feed and the broadcast WebSocket on every ASGI
backend (docs/contract.md, "Long polling" and "Extras").

Each user holds its connection the way a real client would, so a run with N
users shows what N waiting clients cost each interface (a CGI process, a WSGI
thread, an ASGI coroutine). Nobody posts here: run them beside a class whose
`post_messages` task stores messages (``--tags poll_django feed_asgi
post_messages``), and each delivered message is reported with its delivery
latency, from the row's `created_at` (the database's clock, the same kernel
clock as this container's) to its arrival here.
"""

import json
import time
from datetime import UTC, datetime
from typing import ClassVar

import websocket
from locust import FastHttpUser, HttpUser, User, constant, tag, task

from scenarios import checks, settings
from scenarios.tls import edge_ssl_context, websocket_sslopt
from scenarios.websocket import websocket_url

# Shorter than nginx's 35 s read timeout for /poll; long enough that a user
# mostly waits rather than asks.
POLL_TIMEOUT_MS = 10_000
# An SSE stream is closed and opened again after this long, so a run also
# measures (re)connections; the streams' keep-alive comments come every 15 s.
STREAM_HOLD_S = 30.0
# How long one feed task waits for a message before its next turn.
FEED_WAIT_S = 5.0
CONNECT_TIMEOUT_S = 10.0


def delivery_ms(message: dict[str, object]) -> float:
    """From the row's created_at to now, in ms (0 if the clocks disagree)."""
    created = datetime.fromisoformat(str(message["created_at"]))
    return max((datetime.now(UTC) - created).total_seconds() * 1000, 0.0)


def _fire(user: User, request_type: str, name: str, response_time: float, length: int, exception: Exception | None):
    user.environment.events.request.fire(
        request_type=request_type,
        name=name,
        response_time=response_time,
        response_length=length,
        exception=exception,
        context={},
    )


class LongPollUser(FastHttpUser):
    """GET /<backend>/poll in a loop, asking each time for what is newer than
    the last message it got. The request rows time the waits; the `DELIVERY`
    rows time each message from its INSERT to its arrival."""

    host = settings.DEFAULT_HOST
    wait_time = constant(0)  # the server does the waiting
    insecure = False  # FastHttpUser skips certificate checks unless told
    ssl_context_factory = staticmethod(edge_ssl_context)
    default_headers: ClassVar[dict[str, str]] = {"Host": settings.HOST_HEADER}
    network_timeout = POLL_TIMEOUT_MS / 1000 + CONNECT_TIMEOUT_S

    def on_start(self) -> None:
        self.after: dict[str, int] = {}

    def _poll(self, backend: str) -> None:
        if backend not in self.after and not self._start_from_newest(backend):
            return
        path = f"/{backend}/poll"
        query = f"?after={self.after[backend]}&timeout_ms={POLL_TIMEOUT_MS}"
        with self.client.get(path + query, name=path, catch_response=True) as response:
            problem = checks.messages_page(response)
            if problem:
                response.failure(problem)
                return
            response.success()
            for message in json.loads(response.text or "[]"):
                self.after[backend] = max(self.after[backend], message["id"])
                _fire(self, "DELIVERY", path, delivery_ms(message), 0, None)

    def _start_from_newest(self, backend: str) -> bool:
        """Wait only for what is posted from now on: after = the newest id."""
        path = f"/{backend}/messages"
        with self.client.get(path, name=f"{path} (newest id)", catch_response=True) as response:
            problem = checks.messages_page(response)
            if problem:
                response.failure(problem)
                return False
            latest = json.loads(response.text or "[]")
            self.after[backend] = latest[0]["id"] if latest else 0
            return True

    @tag("poll_cgi")
    @task
    def poll_cgi(self) -> None:
        self._poll("cgi")

    @tag("poll_django")
    @task
    def poll_django(self) -> None:
        self._poll("django")

    @tag("poll_fastapi")
    @task
    def poll_fastapi(self) -> None:
        self._poll("fastapi")

    @tag("poll_wsgi")
    @task
    def poll_wsgi(self) -> None:
        self._poll("wsgi")

    @tag("poll_asgi")
    @task
    def poll_asgi(self) -> None:
        self._poll("asgi")

    @tag("poll_django_asgi")
    @task
    def poll_django_asgi(self) -> None:
        self._poll("django-asgi")


class MessageStreamUser(HttpUser):
    """GET /<backend>/events/messages, read for STREAM_HOLD_S, then again.
    `SSE` rows time each message from its INSERT to its arrival."""

    host = settings.DEFAULT_HOST
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.verify = settings.CA_FILE
        self.client.headers["Host"] = settings.HOST_HEADER

    def _stream(self, backend: str) -> None:
        path = f"/{backend}/events/messages"
        deadline = time.monotonic() + STREAM_HOLD_S
        with self.client.get(
            path, name=path, stream=True, catch_response=True, timeout=(CONNECT_TIMEOUT_S, STREAM_HOLD_S)
        ) as response:
            content_type = response.headers.get("Content-Type", "")
            if response.status_code != 200 or not content_type.startswith("text/event-stream"):
                response.failure(f"HTTP {response.status_code}, {content_type}")
                return
            response.success()  # the row times the connection: status and headers
            try:
                for line in response.iter_lines(decode_unicode=True):
                    if line.startswith("data: "):
                        message = json.loads(line.removeprefix("data: "))
                        _fire(self, "SSE", path, delivery_ms(message), len(line), None)
                    if time.monotonic() > deadline:
                        return
            except OSError as error:  # requests' ConnectionError and timeouts are OSErrors
                _fire(self, "SSE", path, 0, 0, error)

    @tag("sse_fastapi")
    @task
    def sse_fastapi(self) -> None:
        self._stream("fastapi")

    @tag("sse_asgi")
    @task
    def sse_asgi(self) -> None:
        self._stream("asgi")

    @tag("sse_django_asgi")
    @task
    def sse_django_asgi(self) -> None:
        self._stream("django-asgi")


class MessageFeedUser(User):
    """One broadcast WebSocket (/<backend>/ws/messages) per backend, kept open.
    `WSCONNECT` rows time the handshakes, `WSFEED` rows each message from its
    INSERT to its arrival."""

    host = settings.DEFAULT_HOST
    wait_time = constant(0)

    def on_start(self) -> None:
        self.connections: dict[str, websocket.WebSocket] = {}

    def on_stop(self) -> None:
        for connection in self.connections.values():
            connection.close()

    def _connection(self, path: str) -> websocket.WebSocket | None:
        if path in self.connections:
            return self.connections[path]
        started = time.perf_counter()
        try:
            connection = websocket.create_connection(
                websocket_url(self.host, path),
                timeout=CONNECT_TIMEOUT_S,
                host=settings.HOST_HEADER,
                sslopt=websocket_sslopt(),
            )
        except (websocket.WebSocketException, OSError) as error:
            _fire(self, "WSCONNECT", path, (time.perf_counter() - started) * 1000, 0, error)
            return None
        _fire(self, "WSCONNECT", path, (time.perf_counter() - started) * 1000, 0, None)
        connection.settimeout(FEED_WAIT_S)
        self.connections[path] = connection
        return connection

    def _feed(self, backend: str) -> None:
        path = f"/{backend}/ws/messages"
        connection = self._connection(path)
        if connection is None:
            return
        try:
            text = connection.recv()
        except websocket.WebSocketTimeoutException:
            return  # nothing posted meanwhile: not a failure
        except (websocket.WebSocketException, OSError) as error:
            _fire(self, "WSFEED", path, 0, 0, error)
            self.connections.pop(path).close()  # reconnect on the next turn
            return
        _fire(self, "WSFEED", path, delivery_ms(json.loads(text)), len(text), None)

    @tag("feed_fastapi")
    @task
    def feed_fastapi(self) -> None:
        self._feed("fastapi")

    @tag("feed_asgi")
    @task
    def feed_asgi(self) -> None:
        self._feed("asgi")

    @tag("feed_django_asgi")
    @task
    def feed_django_asgi(self) -> None:
        self._feed("django-asgi")
