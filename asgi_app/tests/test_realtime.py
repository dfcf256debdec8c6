"""The WebSocket echo on raw ASGI messages, and server-sent events, through a real Uvicorn."""

import http.client
import json
import time

import pytest
from conftest import call
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

JSON_TYPE = {"Content-Type": "application/json"}


def test_echo_sends_text_and_bytes_back(port):
    with connect(f"ws://127.0.0.1:{port}/asgi/ws/echo", open_timeout=5) as ws:
        ws.send("héllo wörld")
        assert ws.recv(timeout=5) == "héllo wörld"
        ws.send(b"\x00\x01")
        assert ws.recv(timeout=5) == b"\x00\x01"


def test_unknown_websocket_path_is_refused_before_the_handshake(port):
    with pytest.raises(InvalidStatus) as refused:
        connect(f"ws://127.0.0.1:{port}/asgi/ws/nothing-here", open_timeout=5)
    assert refused.value.response.status_code == 404


def test_plain_get_on_the_echo_path_asks_for_an_upgrade(port):
    result = call(port, "GET", "/asgi/ws/echo")
    assert result.status == 426
    assert result.headers["Upgrade"] == "websocket"
    assert "WebSocket" in result.json()["error"]


def test_events_arrive_one_by_one(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/asgi/events?n=3&interval_ms=300")
    response = connection.getresponse()
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["X-Accel-Buffering"] == "no"
    arrivals, data = [], []
    for line in response:
        if line.startswith(b"data:"):
            arrivals.append(time.monotonic())
            data.append(line.strip())
    assert data == [b'data: {"tick":1,"of":3}', b'data: {"tick":2,"of":3}', b'data: {"tick":3,"of":3}']
    assert arrivals[-1] - arrivals[0] >= 0.5  # spread over time, not one burst at the end


@pytest.mark.parametrize("query", ["n=0", "n=101", "interval_ms=5001", "n=x"])
def test_events_reject_bad_parameters(port, query):
    result = call(port, "GET", f"/asgi/events?{query}")
    assert result.status == 400
    assert set(result.json()) == {"error"}


def test_message_feed_pushes_each_stored_message(port, db):
    with connect(f"ws://127.0.0.1:{port}/asgi/ws/messages", open_timeout=5) as ws:
        time.sleep(0.2)  # subscribed before the first message is stored
        posted = call(
            port, "POST", "/asgi/messages", body=b'{"author": "feed", "text": "live"}', headers=JSON_TYPE
        ).json()
        assert json.loads(ws.recv(timeout=5)) == posted
        # A row some other process stored: the table's trigger announces it (migration 0002).
        (other_id,) = db.execute(
            "INSERT INTO message (author, text, via) VALUES ('other', 'elsewhere', 'test') RETURNING id"
        ).fetchone()
        pushed = json.loads(ws.recv(timeout=5))
        assert (pushed["id"], pushed["text"], pushed["via"]) == (other_id, "elsewhere", "test")
