"""FastAPI's WebSocket echo, timed per round trip and reported to Locust."""

import time
import uuid
from urllib.parse import urlsplit

import websocket
from locust import User, constant, tag, task

from scenarios import settings
from scenarios.tls import websocket_sslopt

ECHO_PATH = "/fastapi/ws/echo"
TIMEOUT_SECONDS = 10


def websocket_url(host: str, path: str) -> str:
    """https://nginx + /path -> wss://nginx/path (http -> ws)."""
    parts = urlsplit(host)
    scheme = {"https": "wss", "http": "ws"}[parts.scheme]
    return f"{scheme}://{parts.netloc}{path}"


class WebSocketUser(User):
    """Keeps one connection open and sends a message, waiting for its echo."""

    host = settings.DEFAULT_HOST
    wait_time = constant(0)  # closed loop, as ContractUser

    def on_start(self) -> None:
        self.connection = self._connect()

    def on_stop(self) -> None:
        if self.connection is not None:
            self.connection.close()

    def _report(
        self,
        request_type: str,
        started: float,
        length: int,
        exception: Exception | None,
    ) -> None:
        self.environment.events.request.fire(
            request_type=request_type,
            name=ECHO_PATH,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=length,
            exception=exception,
            context={},
        )

    def _connect(self) -> websocket.WebSocket | None:
        """Open the socket, timing the handshake as its own stats row."""
        started = time.perf_counter()
        try:
            connection = websocket.create_connection(
                websocket_url(self.host, ECHO_PATH),
                timeout=TIMEOUT_SECONDS,
                host=settings.HOST_HEADER,
                sslopt=websocket_sslopt(),
            )
        except (websocket.WebSocketException, OSError) as error:
            self._report("WSCONNECT", started, 0, error)
            return None
        self._report("WSCONNECT", started, 0, None)
        return connection

    @tag("ws_echo")
    @task
    def ws_echo(self) -> None:
        if self.connection is None:
            self.connection = self._connect()
            if self.connection is None:
                return
        message = f"echo {uuid.uuid4()}"
        started = time.perf_counter()
        try:
            self.connection.send(message)
            reply = self.connection.recv()
        except (websocket.WebSocketException, OSError) as error:
            self._report("WS", started, 0, error)
            self.connection.close()
            self.connection = None  # reconnect on the next task
            return
        wrong = None if reply == message else ValueError(f"echo {reply!r:.80}")
        self._report("WS", started, len(reply), wrong)
