"""GET/POST /messages against the real table: what is stored, and that a rejected body stores nothing."""

import http.client
import json
import os
import uuid
from datetime import datetime

import pytest
from conftest import call, count_messages

JSON = {"Content-Type": "application/json"}
LIMIT = int(os.environ["REQUEST_BODY_MAX_BYTES"])
# The contract's largest valid message (author 80, text 2000 characters) in its
# largest legitimate encoding: json.dumps defaults, each character outside the
# BMP a 12-byte surrogate pair of escapes (.env derives REQUEST_BODY_MAX_BYTES from it).
LARGEST = {"author": "\N{GRINNING FACE}" * 80, "text": "\N{GRINNING FACE}" * 2000}
LARGEST_BODY = json.dumps(LARGEST).encode()


def post(port: int, payload: object, headers: dict[str, str] = JSON):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return call(port, "POST", "/asgi/messages", body=body, headers=headers)


def test_post_stores_the_row_the_database_returned(port, db):
    text = f"raw asgi {uuid.uuid4()}"
    result = post(port, {"author": "tester", "text": text})
    assert result.status == 201
    row = result.json()
    assert set(row) == {"id", "author", "text", "via", "created_at"}
    assert (row["author"], row["text"], row["via"]) == ("tester", text, "asgi")
    stored = db.execute("SELECT author, text, via, created_at FROM message WHERE id = %s", (row["id"],)).fetchone()
    assert stored[:3] == ("tester", text, "asgi")
    assert datetime.fromisoformat(row["created_at"]) == stored[3]  # the database's stamp
    assert row["created_at"].endswith("+00:00")  # RFC 3339, in UTC


def test_get_lists_the_latest_fifty_newest_first(port):
    text = f"newest {uuid.uuid4()}"
    post(port, {"author": "tester", "text": text})
    listed = call(port, "GET", "/asgi/messages").json()
    assert listed[0]["text"] == text
    assert len(listed) <= 50
    ids = [message["id"] for message in listed]
    assert ids == sorted(ids, reverse=True)


def test_longest_valid_fields_are_accepted(port):
    result = post(port, {"author": "é" * 80, "text": "ß" * 2000})
    assert result.status == 201
    assert result.json()["text"] == "ß" * 2000


BAD = {
    "malformed json": (b"{not json", JSON),
    "not utf-8": (b'{"author": "\xff", "text": "t"}', JSON),
    "json array": (b"[]", JSON),
    "missing text": ({"author": "a"}, JSON),
    "empty author": ({"author": "", "text": "t"}, JSON),
    "author too long": ({"author": "a" * 81, "text": "t"}, JSON),
    "text too long": ({"author": "a", "text": "t" * 2001}, JSON),
    "author not a string": ({"author": 5, "text": "t"}, JSON),
    "null text": ({"author": "a", "text": None}, JSON),
    "nul character": ({"author": "a", "text": "t\x00"}, JSON),
    "lone surrogate": (b'{"author": "a", "text": "\\ud800"}', JSON),
    "form content type": (b"author=a&text=t", {"Content-Type": "application/x-www-form-urlencoded"}),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_body_is_a_json_400_and_writes_nothing(port, db, case):
    payload, headers = BAD[case]
    before = count_messages(db)
    result = post(port, payload, headers)
    assert result.status == 400
    assert set(result.json()) == {"error"}
    assert count_messages(db) == before


def post_chunked(port: int, body: bytes):
    """POST with Transfer-Encoding: chunked (no Content-Length), in 4 KiB chunks."""
    chunks = (body[start : start + 4096] for start in range(0, len(body), 4096))
    return call(port, "POST", "/asgi/messages", body=chunks, headers=JSON)


def test_the_limit_is_the_largest_valid_message():
    assert len(LARGEST_BODY) == LIMIT


@pytest.mark.parametrize("send", [post, post_chunked], ids=["content-length", "chunked"])
def test_a_body_of_exactly_the_limit_is_stored(port, send):
    result = send(port, LARGEST_BODY)
    assert result.status == 201
    row = result.json()
    assert (row["author"], row["text"]) == (LARGEST["author"], LARGEST["text"])


@pytest.mark.parametrize("send", [post, post_chunked], ids=["content-length", "chunked"])
def test_one_byte_over_the_limit_is_413_and_writes_nothing(port, db, send):
    before = count_messages(db)
    result = send(port, LARGEST_BODY + b" ")  # still valid JSON: refused for its size alone
    assert (result.status, result.json()) == (413, {"error": "request body too large"})
    assert count_messages(db) == before


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(port):
    """Content-Length alone decides: the answer comes while the client has sent headers only."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.putrequest("POST", "/asgi/messages")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(LIMIT + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert (response.status, json.loads(response.read())) == (413, {"error": "request body too large"})
