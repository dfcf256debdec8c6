"""GET /poll (routes/poll.py): the new messages as soon as one is stored, [] at the deadline, 400 on bad input."""

import threading
import time

import psycopg
import pytest
from cgi_client import CgiResponse, run_cgi


def newest_id(database: psycopg.Connection) -> int:
    return database.execute("SELECT coalesce(max(id), 0) FROM message").fetchone()[0]


def test_poll_answers_at_once_with_the_messages_already_newer(database: psycopg.Connection) -> None:
    (stored,) = database.execute(
        "INSERT INTO message (author, text, via) VALUES ('poller', 'waiting', 'test') RETURNING id"
    ).fetchone()
    started = time.monotonic()
    messages = run_cgi("/poll", query=f"after={stored - 1}&timeout_ms=20000").json()
    assert time.monotonic() - started < 10  # well before the 20 s timeout
    assert [(message["id"], message["text"]) for message in messages] == [(stored, "waiting")]


def test_poll_wakes_when_a_message_is_stored(database: psycopg.Connection) -> None:
    after = newest_id(database)
    answers: list[CgiResponse] = []
    waiting = threading.Thread(target=lambda: answers.append(run_cgi("/poll", query=f"after={after}&timeout_ms=20000")))
    started = time.monotonic()
    waiting.start()
    time.sleep(1)  # the process is listening by now
    database.execute("INSERT INTO message (author, text, via) VALUES ('poller', 'wake up', 'test')")
    waiting.join(timeout=30)
    elapsed = time.monotonic() - started
    assert [message["text"] for message in answers[0].json()] == ["wake up"]
    assert elapsed < 10, f"answered after {elapsed:.1f} s, the timeout was 20 s"


def test_poll_answers_an_empty_list_at_the_timeout(database: psycopg.Connection) -> None:
    after = newest_id(database) + 1_000_000  # no message will be newer while it waits
    started = time.monotonic()
    assert run_cgi("/poll", query=f"after={after}&timeout_ms=700").json() == []
    assert time.monotonic() - started >= 0.7


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
    response = run_cgi("/poll", query=query)
    assert response.status == 400
    assert response.json() == {"error": error}
