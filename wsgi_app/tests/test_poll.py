"""GET /poll (routes/poll.py): the new messages as soon as one is stored, [] at the deadline, 400 on bad input."""

import threading
import time

import psycopg
import pytest
from conftest import Result, call
from gateway_wsgi import database


def newest_id(db: psycopg.Connection) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM message").fetchone()[0]


def test_poll_answers_at_once_with_the_messages_already_newer(db: psycopg.Connection) -> None:
    (stored,) = db.execute(
        "INSERT INTO message (author, text, via) VALUES ('poller', 'waiting', 'test') RETURNING id"
    ).fetchone()
    started = time.monotonic()
    messages = call("GET", "/poll", query=f"after={stored - 1}&timeout_ms=20000").json()
    assert time.monotonic() - started < 10  # well before the 20 s timeout
    assert [(message["id"], message["text"], message["via"]) for message in messages] == [(stored, "waiting", "test")]


def test_poll_wakes_when_a_message_is_stored(db: psycopg.Connection) -> None:
    after = newest_id(db)
    answers: list[Result] = []
    query = f"after={after}&timeout_ms=20000"
    waiting = threading.Thread(target=lambda: answers.append(call("GET", "/poll", query=query)))
    started = time.monotonic()
    waiting.start()
    time.sleep(0.5)  # the thread is listening by now
    db.execute("INSERT INTO message (author, text, via) VALUES ('poller', 'wake up', 'test')")
    waiting.join(timeout=30)
    elapsed = time.monotonic() - started
    assert [message["text"] for message in answers[0].json()] == ["wake up"]
    assert elapsed < 10, f"answered after {elapsed:.1f} s, the timeout was 20 s"


def test_poll_answers_an_empty_list_at_the_timeout(db: psycopg.Connection) -> None:
    after = newest_id(db) + 1_000_000  # no message will be newer while it waits
    started = time.monotonic()
    assert call("GET", "/poll", query=f"after={after}&timeout_ms=500").json() == []
    assert time.monotonic() - started >= 0.5


def test_poll_gives_its_connection_back_listening_to_nothing(db: psycopg.Connection) -> None:
    call("GET", "/poll", query="after=0&timeout_ms=0")
    pool = database.pool()
    borrowed = [pool.getconn() for _ in range(pool.max_size)]
    try:
        assert all(connection.execute("SELECT pg_listening_channels()").fetchall() == [] for connection in borrowed)
    finally:
        for connection in borrowed:
            pool.putconn(connection)


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
def test_poll_rejects_bad_parameters(query: str, error: str) -> None:
    response = call("GET", "/poll", query=query)
    assert response.status == 400
    assert response.json() == {"error": error}
