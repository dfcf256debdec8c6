"""Every route runs on the event loop, none in the threadpool: FastAPI runs a
plain `def` endpoint or dependency in a worker thread, a hand-off per request
(and the GIL shared with that thread) where an `async def` costs a call.
https://fastapi.tiangolo.com/async/#dependencies"""

import time
from collections.abc import Callable

import anyio.to_thread
import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.conftest import newest_id

REQUESTS: list[tuple[str, str, dict | None]] = [
    ("GET", "/fastapi/", None),
    ("GET", "/fastapi/info", None),
    ("GET", "/fastapi/hello", None),
    ("GET", "/fastapi/json", None),
    ("GET", "/fastapi/healthz", None),
    ("GET", "/fastapi/db", None),
    ("GET", "/fastapi/queries?queries=3", None),
    ("GET", "/fastapi/fortunes", None),
    ("GET", "/fastapi/messages", None),
    ("POST", "/fastapi/messages", {"author": "event loop", "text": "no thread"}),
    ("GET", "/fastapi/io?ms=1", None),
]


@pytest.fixture
def thread_hand_offs(monkeypatch: pytest.MonkeyPatch) -> list[Callable]:
    """What the app handed to a worker thread (Starlette's run_in_threadpool
    calls anyio.to_thread.run_sync) while the test ran."""
    handed: list[Callable] = []
    run_sync = anyio.to_thread.run_sync

    async def recording(function: Callable, *args: object, **kwargs: object) -> object:
        handed.append(function)
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", recording)
    return handed


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_a_request_runs_on_the_event_loop(
    client: TestClient, thread_hand_offs: list[Callable], method: str, path: str, body: dict | None
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code < 300, response.text
    assert thread_hand_offs == []


def test_a_long_poll_runs_on_the_event_loop(
    client: TestClient, db: psycopg.Connection, thread_hand_offs: list[Callable]
) -> None:
    response = client.get("/fastapi/poll", params={"after": newest_id(db), "timeout_ms": 0})
    assert response.json() == []
    assert thread_hand_offs == []


def test_the_message_feed_websocket_runs_on_the_event_loop(
    client: TestClient, thread_hand_offs: list[Callable]
) -> None:
    with client.websocket_connect("/fastapi/ws/messages") as websocket:
        time.sleep(0.2)  # subscribed before the message is stored
        client.post("/fastapi/messages", json={"author": "event loop", "text": "to the socket"})
        # The feed sends every stored message: one an earlier test posted may be
        # notified just after this socket subscribed (seen in CI: "no thread").
        received = [websocket.receive_json()["text"]]
        while received[-1] != "to the socket" and len(received) < 5:
            received.append(websocket.receive_json()["text"])
        assert received[-1] == "to the socket", received
    assert thread_hand_offs == []
