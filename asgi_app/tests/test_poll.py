"""GET /poll (routes/poll.py) and GET /events/messages through a real Uvicorn: the new
messages as soon as one is stored (through the app or any other writer), [] at the
deadline, 400 on bad input."""

import http.client
import json
import threading
import time

import pytest
from conftest import Result, call, newest_id

JSON_TYPE = {"Content-Type": "application/json"}


def test_poll_answers_at_once_with_the_messages_already_newer(port, db):
    (stored,) = db.execute(
        "INSERT INTO message (author, text, via) VALUES ('poller', 'waiting', 'test') RETURNING id"
    ).fetchone()
    started = time.monotonic()
    messages = call(port, "GET", f"/asgi/poll?after={stored - 1}&timeout_ms=20000").json()
    assert time.monotonic() - started < 10  # well before the 20 s timeout
    assert [(message["id"], message["text"], message["via"]) for message in messages] == [(stored, "waiting", "test")]


@pytest.mark.parametrize("writer", ["the app", "another client of the database"])
def test_poll_wakes_when_a_message_is_stored(port, db, writer):
    after = newest_id(db)
    answers: list[Result] = []
    path = f"/asgi/poll?after={after}&timeout_ms=20000"
    waiting = threading.Thread(target=lambda: answers.append(call(port, "GET", path)))
    started = time.monotonic()
    waiting.start()
    time.sleep(0.5)  # subscribed by now
    if writer == "the app":
        call(port, "POST", "/asgi/messages", body=b'{"author": "poller", "text": "wake up"}', headers=JSON_TYPE)
    else:
        db.execute("INSERT INTO message (author, text, via) VALUES ('poller', 'wake up', 'test')")
    waiting.join(timeout=30)
    elapsed = time.monotonic() - started
    assert [message["text"] for message in answers[0].json()] == ["wake up"]
    assert elapsed < 10, f"answered after {elapsed:.1f} s, the timeout was 20 s"


def test_poll_answers_an_empty_list_at_the_timeout(port, db):
    after = newest_id(db) + 1_000_000  # no message will be newer while it waits
    started = time.monotonic()
    assert call(port, "GET", f"/asgi/poll?after={after}&timeout_ms=500").json() == []
    assert time.monotonic() - started >= 0.5


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("timeout_ms=100", "after must be an integer from 0 to 9223372036854775807"),
        ("after=-1&timeout_ms=100", "after must be an integer from 0 to 9223372036854775807"),
        ("after=9223372036854775808&timeout_ms=100", "after must be an integer from 0 to 9223372036854775807"),
        ("after=1", "timeout_ms must be an integer from 0 to 30000"),
        ("after=1&timeout_ms=30001", "timeout_ms must be an integer from 0 to 30000"),
        ("after=1&timeout_ms=1.5", "timeout_ms must be an integer from 0 to 30000"),
        ("after=1&timeout_ms=%2B5", "timeout_ms must be an integer from 0 to 30000"),
    ],
)
def test_poll_rejects_bad_parameters(port, query, error):
    result = call(port, "GET", f"/asgi/poll?{query}")
    assert result.status == 400
    assert result.json() == {"error": error}


def read_event(response: http.client.HTTPResponse) -> dict[str, str]:
    """The next event's fields; comment lines (": keep-alive") skipped."""
    fields: dict[str, str] = {}
    for raw in response:
        line = raw.decode().rstrip("\n")
        if not line and fields:
            return fields
        if line and not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = value
    raise AssertionError("the stream ended")


def open_message_events(port: int, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/asgi/events/messages", headers=headers or {})
    response = connection.getresponse()
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert response.readline() == b": subscribed\n"
    return response


def test_message_events_stream_each_stored_message(port, db):
    response = open_message_events(port)
    posted = call(port, "POST", "/asgi/messages", body=b'{"author": "sse", "text": "live"}', headers=JSON_TYPE).json()
    event = read_event(response)
    assert (event["event"], event["id"]) == ("message", str(posted["id"]))
    assert json.loads(event["data"]) == posted
    response.close()


def test_message_events_replay_what_a_reconnecting_client_missed(port, db):
    (missed,) = db.execute(
        "INSERT INTO message (author, text, via) VALUES ('sse', 'missed', 'test') RETURNING id"
    ).fetchone()
    response = open_message_events(port, {"Last-Event-ID": str(missed - 1)})
    event = read_event(response)
    assert event["id"] == str(missed)
    assert json.loads(event["data"])["text"] == "missed"
    response.close()
