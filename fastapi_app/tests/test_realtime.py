import json
import time
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect


def test_websocket_echoes_text_and_bytes(client: TestClient) -> None:
    with client.websocket_connect("/fastapi/ws/echo") as websocket:
        websocket.send_text("hello ünïcode")
        assert websocket.receive_text() == "hello ünïcode"
        websocket.send_bytes(b"\x00\x01\xff")
        assert websocket.receive_bytes() == b"\x00\x01\xff"


def test_websocket_outside_prefix_is_refused(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws/echo"):
        pass


def parse_events(stream: str) -> list[dict[str, str]]:
    events = []
    for block in stream.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append(fields)
    return events


def test_events_stream_n_ticks_then_ends(client: TestClient) -> None:
    with client.stream("GET", "/fastapi/events?n=3&interval_ms=10") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-accel-buffering"] == "no"
        body = response.read().decode()
    events = parse_events(body)
    assert [event["event"] for event in events] == ["tick"] * 3
    assert [event["id"] for event in events] == ["1", "2", "3"]
    assert [json.loads(event["data"]) for event in events] == [{"tick": tick, "of": 3} for tick in (1, 2, 3)]


@pytest.mark.parametrize("query", ["n=0", "n=101", "n=x", "interval_ms=5001"])
def test_events_rejects_out_of_range_with_400(client: TestClient, query: str) -> None:
    response = client.get(f"/fastapi/events?{query}")
    assert response.status_code == 400
    assert "error" in response.json()


def test_message_feed_broadcasts_each_stored_message_to_every_client(client: TestClient) -> None:
    with (
        client.websocket_connect("/fastapi/ws/messages") as first,
        client.websocket_connect("/fastapi/ws/messages") as second,
        client.websocket_connect("/fastapi/ws/messages") as third,
    ):
        time.sleep(0.2)  # subscribed before the message is stored
        posted = client.post("/fastapi/messages", json={"author": "feed", "text": "to all"}).json()
        assert [ws.receive_json() for ws in (first, second, third)] == [posted] * 3


def test_message_feed_pushes_a_row_any_other_writer_stored(client: TestClient, db: psycopg.Connection) -> None:
    with client.websocket_connect("/fastapi/ws/messages") as websocket:
        time.sleep(0.2)
        # The table's trigger announces it (migration 0002), whoever wrote it.
        (stored,) = db.execute(
            "INSERT INTO message (author, text, via) VALUES ('other', 'elsewhere', 'test') RETURNING id"
        ).fetchone()
        pushed = websocket.receive_json()
        assert (pushed["id"], pushed["text"], pushed["via"]) == (stored, "elsewhere", "test")


def next_message_event(lines: Iterator[str]) -> dict[str, str]:
    """The next event's fields; comment lines (": ping") skipped."""
    fields: dict[str, str] = {}
    for line in lines:
        if not line and fields:
            return fields
        if line and not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = value
    raise AssertionError("the stream ended")


def test_message_events_stream_each_stored_message(client: TestClient) -> None:
    with client.stream("GET", "/fastapi/events/messages") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"
        lines = response.iter_lines()
        assert next(lines) == ": subscribed"
        posted = client.post("/fastapi/messages", json={"author": "sse", "text": "live"}).json()
        event = next_message_event(lines)
    assert (event["event"], event["id"]) == ("message", str(posted["id"]))
    assert json.loads(event["data"]) == posted


def test_message_events_replay_what_a_reconnecting_client_missed(client: TestClient, db: psycopg.Connection) -> None:
    (missed,) = db.execute(
        "INSERT INTO message (author, text, via) VALUES ('sse', 'missed', 'test') RETURNING id"
    ).fetchone()
    with client.stream("GET", "/fastapi/events/messages", headers={"Last-Event-ID": str(missed - 1)}) as response:
        event = next_message_event(response.iter_lines())
    assert event["id"] == str(missed)
    assert json.loads(event["data"])["text"] == "missed"
