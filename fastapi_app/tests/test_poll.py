"""GET /poll: the new messages as soon as one is stored, [] at the deadline, 400 on bad input."""

import threading
import time

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.conftest import newest_id


def test_poll_answers_at_once_with_the_messages_already_newer(client: TestClient, db: psycopg.Connection) -> None:
    (stored,) = db.execute(
        "INSERT INTO message (author, text, via) VALUES ('poller', 'waiting', 'test') RETURNING id"
    ).fetchone()
    started = time.monotonic()
    response = client.get("/fastapi/poll", params={"after": stored - 1, "timeout_ms": 20000})
    assert time.monotonic() - started < 10  # well before the 20 s timeout
    assert [(row["id"], row["text"], row["via"]) for row in response.json()] == [(stored, "waiting", "test")]


@pytest.mark.parametrize("writer", ["the app", "another client of the database"])
def test_poll_wakes_when_a_message_is_stored(client: TestClient, db: psycopg.Connection, writer: str) -> None:
    after = newest_id(db)
    answers = []  # the TestClient's responses, from the waiting thread
    params = {"after": after, "timeout_ms": 20000}
    waiting = threading.Thread(target=lambda: answers.append(client.get("/fastapi/poll", params=params)))
    started = time.monotonic()
    waiting.start()
    time.sleep(0.5)  # subscribed by now
    if writer == "the app":
        client.post("/fastapi/messages", json={"author": "poller", "text": "wake up"})
    else:
        db.execute("INSERT INTO message (author, text, via) VALUES ('poller', 'wake up', 'test')")
    waiting.join(timeout=30)
    elapsed = time.monotonic() - started
    assert [row["text"] for row in answers[0].json()] == ["wake up"]
    assert elapsed < 10, f"answered after {elapsed:.1f} s, the timeout was 20 s"


def test_poll_answers_an_empty_list_at_the_timeout(client: TestClient, db: psycopg.Connection) -> None:
    after = newest_id(db) + 1_000_000  # no message will be newer while it waits
    started = time.monotonic()
    response = client.get("/fastapi/poll", params={"after": after, "timeout_ms": 500})
    assert time.monotonic() - started >= 0.5
    assert response.json() == []


@pytest.mark.parametrize(
    "query",
    [
        "timeout_ms=100",
        "after=-1&timeout_ms=100",
        "after=9223372036854775808&timeout_ms=100",
        "after=1",
        "after=1&timeout_ms=30001",
        "after=1&timeout_ms=1.5",
        "after=1&timeout_ms=%2B5",
    ],
)
def test_poll_rejects_bad_parameters(client: TestClient, query: str) -> None:
    response = client.get(f"/fastapi/poll?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
