"""Long polls on the capped backends (issue 10): the edge holds as many as the
backend's own sizes allow, refuses the next one at once with its 503 JSON, and
the waiting ones still get the message posted (nginx/snippets/limits/long-polls.conf).

The cap comes from the running configuration (the containers' environment, the
sizes of .env). On the blocking backends one Gunicorn thread or fcgiwrap
process stays free for every other request, so the cap is one below what the
server runs at once, and a request to the same backend is answered while the
polls wait. Django under ASGI waits in coroutines, holding no thread, and is
capped for the threads its polls take as they end (DJANGO_ASGI_POLLS_MAX).
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import container_env, container_usage, edge_client

# The cap, from the backend's own settings and the edge's (docs/contract.md, "Long
# polling"): one below what a blocking backend runs at once; Django under ASGI's own.
CAPS: dict[str, Callable[[dict[str, str], dict[str, str]], int]] = {
    "django": lambda backend, _edge: int(backend["GUNICORN_WORKERS"]) * int(backend["GUNICORN_THREADS"]) - 1,
    "wsgi": lambda backend, _edge: int(backend["GUNICORN_WORKERS"]) * int(backend["GUNICORN_THREADS"]) - 1,
    "cgi": lambda backend, _edge: int(backend["FCGI_CHILDREN"]) - 1,
    "django-asgi": lambda _backend, edge: int(edge["DJANGO_ASGI_POLLS_MAX"]),
}
# Where a waiting poll holds no thread: its container runs fewer threads than polls wait.
COROUTINES = ("django-asgi",)
# Where a waiting poll holds a connection of a pool that opens them on demand
# (DB_POOL_MIN); a CGI process connects for itself.
POOLED = ("django", "wsgi")
REFUSED = {"error": "too many waiting clients, try again shortly"}  # nginx/snippets/errors/json-errors.conf
# Longer than the test takes: a held poll answers only when the message comes.
HOLD_MS = 30_000
# An answer the edge gives itself comes in well under this even on a loaded host;
# a request that reached the backend (a CGI process: 5 s to start at a load of 60) in under WAIT_S.
AT_ONCE_S = 5
WAIT_S = 30
# The warm-up's polls: long enough to overlap, so the backend opens a pooled
# database connection for each.
WARM_MS = 2_000


def newest_id(client: httpx.Client, backend: str) -> int:
    latest = client.get(f"/{backend}/messages").json()
    return latest[0]["id"] if latest else 0


class HeldPolls:
    """`count` polls, each on its own connection, known to be sent once `sent` is set."""

    def __init__(self, ssl_context, backend: str, after: int, count: int) -> None:
        self.ssl_context, self.backend, self.after, self.count = ssl_context, backend, after, count
        self.lock = threading.Lock()
        self.written = 0
        self.sent = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=count)
        self.answers: list[Future[httpx.Response]] = []

    def trace(self, event: str, _info: dict) -> None:
        """httpcore's trace: the request is written once it waits for the answer's headers."""
        if event == "http11.receive_response_headers.started":
            with self.lock:
                self.written += 1
                if self.written == self.count:
                    self.sent.set()

    def poll(self, timeout_ms: int) -> httpx.Response:
        with edge_client(self.ssl_context, timeout=timeout_ms / 1000 + WAIT_S) as client:
            return client.get(
                f"/{self.backend}/poll",
                params={"after": self.after, "timeout_ms": timeout_ms},
                extensions={"trace": self.trace},
            )

    def warm_up(self) -> None:
        """As many short polls first, their answers unread: the backend's pools
        open connections on demand (DB_POOL_MIN), and on a loaded host opening
        that many at once can outlast the pool's 3 s wait, which is not what
        this test is about."""
        for answer in [self.pool.submit(self.poll, WARM_MS) for _ in range(self.count)]:
            answer.exception(timeout=WARM_MS / 1000 + WAIT_S)
        self.written = 0
        self.sent.clear()

    def __enter__(self) -> "HeldPolls":
        if self.backend in POOLED:
            self.warm_up()
        self.answers = [self.pool.submit(self.poll, HOLD_MS) for _ in range(self.count)]
        return self

    def __exit__(self, *_exc) -> None:
        self.pool.shutdown(wait=True)  # bounded: each poll answers within HOLD_MS


@pytest.mark.parametrize("backend", sorted(CAPS))
def test_the_edge_holds_the_backends_cap_of_long_polls_and_refuses_the_next_at_once(ssl_context, backend):
    cap = CAPS[backend](container_env(backend), container_env("nginx"))
    with edge_client(ssl_context, timeout=WAIT_S) as client:
        after = newest_id(client, backend)
        with HeldPolls(ssl_context, backend, after, cap) as held:
            assert held.sent.wait(WAIT_S), f"{held.written} of {cap} polls sent within {WAIT_S} s"
            time.sleep(1)  # the edge has read the last one
            assert not any(answer.done() for answer in held.answers), "a held poll answered before any message"
            if backend in COROUTINES:  # a thread per waiting poll would pass the cap
                _, pids = container_usage(backend)
                assert pids < cap, f"{pids} threads and processes with {cap} polls waiting"

            # One more: refused by the edge at once, not queued behind the others.
            started = time.monotonic()
            refused = client.get(f"/{backend}/poll", params={"after": after, "timeout_ms": HOLD_MS})
            assert time.monotonic() - started < AT_ONCE_S
            assert refused.status_code == 503
            assert refused.headers["content-type"].startswith("application/json")
            assert refused.json() == REFUSED

            # The slot kept free: the backend answers other requests meanwhile,
            # the POST that wakes the pollers among them.
            assert client.get(f"/{backend}/hello").status_code == 200
            posted = client.post(f"/{backend}/messages", json={"author": "poll-limit", "text": f"for {cap}"})
            assert posted.status_code == 201, posted.text
            message_id = posted.json()["id"]

            # Every waiting client gets it.
            for answer in held.answers:
                response = answer.result(timeout=WAIT_S)
                assert response.status_code == 200, response.text
                assert message_id in [message["id"] for message in response.json()]

        # The polls answered, so their slots free: a new one is accepted again. A slot
        # frees when the request ends at the edge: for CGI once the process has
        # exited, which on a loaded host can be a moment after its answer.
        deadline = time.monotonic() + WAIT_S
        while True:
            again = client.get(f"/{backend}/poll", params={"after": message_id, "timeout_ms": 0})
            if again.status_code != 503 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert again.status_code == 200, again.text
        assert again.json() == []
