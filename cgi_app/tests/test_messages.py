"""POST and GET /messages: validated before anything is written; a rejected request writes nothing."""

import json
import os
from datetime import datetime

import psycopg
import pytest
from cgi_client import run_cgi
from conftest import message_count

JSON = "application/json"
LIMIT = int(os.environ["REQUEST_BODY_MAX_BYTES"])
# The contract's largest valid message (author 80, text 2000 characters) in its
# largest legitimate encoding: json.dumps defaults, each character outside the
# BMP a 12-byte surrogate pair of escapes (.env derives REQUEST_BODY_MAX_BYTES from it).
LARGEST = {"author": "\N{GRINNING FACE}" * 80, "text": "\N{GRINNING FACE}" * 2000}
LARGEST_BODY = json.dumps(LARGEST).encode()


def post(body: bytes, content_type: str = JSON):
    return run_cgi("/messages", method="POST", body=body, content_type=content_type)


def test_created_message_is_stored_and_returned(database: psycopg.Connection) -> None:
    payload = {"author": "Ada 'Robert'); DROP TABLE message;--", "text": "<b>hi</b> ünïcödé ✓"}
    response = post(json.dumps(payload).encode())
    assert response.status == 201
    created = response.json()
    assert {key: created[key] for key in ("author", "text", "via")} == {**payload, "via": "cgi"}
    assert isinstance(created["id"], int)
    stored = database.execute(
        "SELECT author, text, via, created_at FROM message WHERE id = %s", (created["id"],)
    ).fetchone()
    assert stored == (payload["author"], payload["text"], "cgi", datetime.fromisoformat(created["created_at"]))
    latest = run_cgi("/messages").json()
    assert latest[0] == created


def test_latest_messages_are_fifty_newest_first() -> None:
    for number in range(3):
        assert post(json.dumps({"author": "lister", "text": f"message {number}"}).encode()).status == 201
    latest = run_cgi("/messages").json()
    assert 3 <= len(latest) <= 50
    ids = [message["id"] for message in latest]
    assert ids == sorted(ids, reverse=True)


def test_longest_valid_fields_and_charset_parameter_are_accepted() -> None:
    payload = {"author": "é" * 80, "text": "✓" * 2000}
    response = post(json.dumps(payload).encode(), "application/json; charset=utf-8")
    assert response.status == 201
    assert response.json()["author"] == payload["author"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b'{"author": "a", "text": "b"}'),
        ("", b'{"author": "a", "text": "b"}'),
        (JSON, b""),
        (JSON, b"{not json"),
        (JSON, b'\xff{"author": "a", "text": "b"}'),
        (JSON, b'["author", "text"]'),
        (JSON, b"null"),
        (JSON, b'{"text": "b"}'),
        (JSON, b'{"author": "a"}'),
        (JSON, b'{"author": 1, "text": "b"}'),
        (JSON, b'{"author": "a", "text": ["b"]}'),
        (JSON, b'{"author": "", "text": "b"}'),
        (JSON, b'{"author": "a", "text": ""}'),
        (JSON, json.dumps({"author": "a" * 81, "text": "b"}).encode()),
        (JSON, json.dumps({"author": "a", "text": "b" * 2001}).encode()),
        (JSON, b'{"author": "a\\u0000", "text": "b"}'),
        (JSON, b'{"author": "\\ud800", "text": "b"}'),
        (JSON, b"[" * 20_000),  # nested past the parser's recursion limit, within the size limit
    ],
)
def test_bad_input_is_400_and_writes_nothing(database: psycopg.Connection, content_type: str, body: bytes) -> None:
    before = message_count(database)
    response = post(body, content_type)
    assert response.status == 400
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"], str)
    assert message_count(database) == before


def test_the_limit_is_the_largest_valid_message() -> None:
    assert len(LARGEST_BODY) == LIMIT


def test_a_body_of_exactly_the_limit_is_stored() -> None:
    response = post(LARGEST_BODY)
    assert response.status == 201
    created = response.json()
    assert (created["author"], created["text"]) == (LARGEST["author"], LARGEST["text"])


def test_one_byte_over_the_limit_is_413_and_writes_nothing(database: psycopg.Connection) -> None:
    before = message_count(database)
    response = post(LARGEST_BODY + b" ")  # still valid JSON: refused for its size alone
    assert response.status == 413
    assert response.json() == {"error": "request body too large"}
    assert message_count(database) == before


def test_the_limit_is_required() -> None:
    response = run_cgi(
        "/messages", method="POST", body=b"{}", content_type=JSON, env_overrides={"REQUEST_BODY_MAX_BYTES": ""}
    )
    assert response.status == 500
    assert "REQUEST_BODY_MAX_BYTES" in response.stderr
