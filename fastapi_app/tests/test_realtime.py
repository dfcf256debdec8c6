import json

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
