"""GET/POST /messages against the real table: what is stored, and that a rejected body stores nothing."""

import io
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


def post(payload: object, headers: dict[str, str] = JSON):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return call("POST", "/messages", body=body, headers=headers)


def test_post_stores_the_row_the_database_returned(db):
    text = f"raw wsgi {uuid.uuid4()}"
    result = post({"author": "tester", "text": text})
    assert result.status == 201
    row = result.json()
    assert set(row) == {"id", "author", "text", "via", "created_at"}
    assert (row["author"], row["text"], row["via"]) == ("tester", text, "wsgi")
    stored = db.execute("SELECT author, text, via, created_at FROM message WHERE id = %s", (row["id"],)).fetchone()
    assert stored[:3] == ("tester", text, "wsgi")
    assert datetime.fromisoformat(row["created_at"]) == stored[3]  # the database's stamp
    assert row["created_at"].endswith("+00:00")  # RFC 3339, in UTC


def test_get_lists_the_latest_fifty_newest_first():
    text = f"newest {uuid.uuid4()}"
    post({"author": "tester", "text": text})
    listed = call("GET", "/messages").json()
    assert listed[0]["text"] == text
    assert len(listed) <= 50
    ids = [message["id"] for message in listed]
    assert ids == sorted(ids, reverse=True)


def test_longest_valid_fields_are_accepted():
    result = post({"author": "é" * 80, "text": "ß" * 2000})
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
def test_bad_body_is_a_json_400_and_writes_nothing(db, case):
    payload, headers = BAD[case]
    before = count_messages(db)
    result = post(payload, headers)
    assert result.status == 400
    assert set(result.json()) == {"error"}
    assert count_messages(db) == before


def test_the_limit_is_the_largest_valid_message():
    assert len(LARGEST_BODY) == LIMIT


def test_a_body_of_exactly_the_limit_is_stored():
    result = post(LARGEST_BODY)
    assert result.status == 201
    row = result.json()
    assert (row["author"], row["text"]) == (LARGEST["author"], LARGEST["text"])


def test_one_byte_over_the_limit_is_refused_unread(db):
    before = count_messages(db)
    body = io.BytesIO(LARGEST_BODY + b" ")  # still valid JSON: refused for its size alone
    result = call("POST", "/messages", body=body.getvalue(), stream=body, headers=JSON)
    assert (result.status, result.json()) == (413, {"error": "request body too large"})
    assert body.tell() == 0  # Content-Length said too much: not a byte was read
    assert count_messages(db) == before


def test_without_content_length_one_byte_over_is_413_after_at_most_one_byte_more(db):
    before = count_messages(db)
    body = io.BytesIO(LARGEST_BODY + b" " * 1000)
    result = call("POST", "/messages", stream=body, headers=JSON)  # no CONTENT_LENGTH: chunked to Gunicorn
    assert (result.status, result.json()) == (413, {"error": "request body too large"})
    assert body.tell() == LIMIT + 1
    assert count_messages(db) == before
