"""The WebSocket echo of every ASGI backend, timed per round trip and reported to Locust."""

import time
import uuid
from urllib.parse import urlsplit

import websocket
from locust import User, constant, tag, task

from scenarios import settings
from scenarios.tls import websocket_sslopt

TIMEOUT_SECONDS = 10


def websocket_url(host: str, path: str) -> str:
    """https://nginx + /path -> wss://nginx/path (http -> ws)."""
    parts = urlsplit(host)
    scheme = {"https": "wss", "http": "ws"}[parts.scheme]
    return f"{scheme}://{parts.netloc}{path}"


class WebSocketUser(User):
    """Keeps one connection open per backend (/<backend>/ws/echo) and sends a
    message, waiting for its echo. `WSCONNECT` rows time the handshakes, `WS`
    rows the round trips."""

    host = settings.DEFAULT_HOST
    wait_time = constant(0)  # closed loop, as ContractUser

    def on_start(self) -> None:
        self.connections: dict[str, websocket.WebSocket] = {}

    def on_stop(self) -> None:
        for connection in self.connections.values():
            connection.close()

    def _report(
        self,
        request_type: str,
        path: str,
        started: float,
        length: int,
        exception: Exception | None,
    ) -> None:
        self.environment.events.request.fire(
            request_type=request_type,
            name=path,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=length,
            exception=exception,
            context={},
        )

    def _connection(self, path: str) -> websocket.WebSocket | None:
        """The open socket to path, or a new one, its handshake timed as its own stats row."""
        if path in self.connections:
            return self.connections[path]
        started = time.perf_counter()
        try:
            connection = websocket.create_connection(
                websocket_url(self.host, path),
                timeout=TIMEOUT_SECONDS,
                host=settings.HOST_HEADER,
                sslopt=websocket_sslopt(),
            )
        except (websocket.WebSocketException, OSError) as error:
            self._report("WSCONNECT", path, started, 0, error)
            return None
        self._report("WSCONNECT", path, started, 0, None)
        self.connections[path] = connection
        return connection

    def _echo(self, backend: str) -> None:
        path = f"/{backend}/ws/echo"
        connection = self._connection(path)
        if connection is None:
            return
        message = f"echo {uuid.uuid4()}"
        started = time.perf_counter()
        try:
            connection.send(message)
            reply = connection.recv()
        except (websocket.WebSocketException, OSError) as error:
            self._report("WS", path, started, 0, error)
            self.connections.pop(path).close()  # reconnect on the next turn
            return
        wrong = None if reply == message else ValueError(f"echo {reply!r:.80}")
        self._report("WS", path, started, len(reply), wrong)

    @tag("ws_echo_fastapi")
    @task
    def ws_echo_fastapi(self) -> None:
        self._echo("fastapi")

    @tag("ws_echo_asgi")
    @task
    def ws_echo_asgi(self) -> None:
        self._echo("asgi")

    @tag("ws_echo_django_asgi")
    @task
    def ws_echo_django_asgi(self) -> None:
        self._echo("django-asgi")
