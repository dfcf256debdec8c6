import json
import os
from collections.abc import Callable, Iterator
from datetime import datetime

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.conftest import count_messages

JSON = {"Content-Type": "application/json"}
LIMIT = int(os.environ["REQUEST_BODY_MAX_BYTES"])
# The contract's largest valid message (author 80, text 2000 characters) in its
# largest legitimate encoding: json.dumps defaults, each character outside the
# BMP a 12-byte surrogate pair of escapes (.env derives REQUEST_BODY_MAX_BYTES from it).
LARGEST = {"author": "\N{GRINNING FACE}" * 80, "text": "\N{GRINNING FACE}" * 2000}
LARGEST_BODY = json.dumps(LARGEST).encode()


Send = Callable[[bytes], bytes | Iterator[bytes]]


def chunked(body: bytes) -> Iterator[bytes]:
    """A body without Content-Length, in 4 KiB chunks: how the client sends a generator."""
    for start in range(0, len(body), 4096):
        yield body[start : start + 4096]


def test_post_stores_and_returns_the_row(client: TestClient, db: psycopg.Connection) -> None:
    before = count_messages(db)
    response = client.post("/fastapi/messages", json={"author": "Ada", "text": "<b>hi</b> & ünïcode"})
    assert response.status_code == 201
    row = response.json()
    assert set(row) == {"id", "author", "text", "via", "created_at"}
    assert (row["author"], row["text"], row["via"]) == (
        "Ada",
        "<b>hi</b> & ünïcode",
        "fastapi",
    )
    assert datetime.fromisoformat(row["created_at"]).tzinfo is not None
    assert count_messages(db) == before + 1
    stored = db.execute("SELECT author, text, via, created_at FROM message WHERE id = %s", (row["id"],)).fetchone()
    assert stored == ("Ada", "<b>hi</b> & ünïcode", "fastapi", datetime.fromisoformat(row["created_at"]))


def test_longest_valid_fields_are_accepted(client: TestClient) -> None:
    # Limits count characters, not bytes (PostgreSQL varchar does the same).
    response = client.post("/fastapi/messages", json={"author": "é" * 80, "text": "😀" * 2000})
    assert response.status_code == 201
    assert response.json()["text"] == "😀" * 2000


def test_get_lists_latest_fifty_newest_first(client: TestClient) -> None:
    for number in range(3):
        client.post("/fastapi/messages", json={"author": "t", "text": f"n{number}"})
    response = client.get("/fastapi/messages")
    assert response.status_code == 200
    rows = response.json()
    assert 3 <= len(rows) <= 50
    assert [row["text"] for row in rows[:3]] == ["n2", "n1", "n0"]
    ids = [row["id"] for row in rows]
    assert ids == sorted(ids, reverse=True)


JSON = {"content-type": "application/json"}

REJECTED = {
    "malformed JSON": (b'{"author": "a", "text": ', JSON),
    "JSON array": (b'["a", "b"]', JSON),
    "JSON null": (b"null", JSON),
    "empty body": (b"", JSON),
    "missing text": (b'{"author": "a"}', JSON),
    "empty author": (b'{"author": "", "text": "x"}', JSON),
    "author too long": (b'{"author": "' + b"a" * 81 + b'", "text": "x"}', JSON),
    "text too long": (b'{"author": "a", "text": "' + b"t" * 2001 + b'"}', JSON),
    "number author": (b'{"author": 5, "text": "x"}', JSON),
    "list text": (b'{"author": "a", "text": ["x"]}', JSON),
    "NUL character": (b'{"author": "a", "text": "x\\u0000y"}', JSON),
    "lone surrogate": (b'{"author": "a", "text": "\\ud800"}', JSON),
    "invalid UTF-8": (b'{"author": "a", "text": "\xff"}', JSON),
    "form content type": (
        b"author=a&text=x",
        {"content-type": "application/x-www-form-urlencoded"},
    ),
    "text/plain JSON": (b'{"author": "a", "text": "x"}', {"content-type": "text/plain"}),
    "no content type": (b'{"author": "a", "text": "x"}', {}),
}


@pytest.mark.parametrize(("body", "headers"), REJECTED.values(), ids=REJECTED.keys())
def test_bad_input_is_400_json_and_writes_nothing(
    client: TestClient, db: psycopg.Connection, body: bytes, headers: dict[str, str]
) -> None:
    before = count_messages(db)
    response = client.post("/fastapi/messages", content=body, headers=headers)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"], str)
    assert count_messages(db) == before


def test_the_limit_is_the_largest_valid_message() -> None:
    assert len(LARGEST_BODY) == LIMIT


@pytest.mark.parametrize("send", [bytes, chunked], ids=["content-length", "chunked"])
def test_a_body_of_exactly_the_limit_is_stored(client: TestClient, send: Send) -> None:
    response = client.post("/fastapi/messages", content=send(LARGEST_BODY), headers=JSON)
    assert response.status_code == 201
    row = response.json()
    assert (row["author"], row["text"]) == (LARGEST["author"], LARGEST["text"])


@pytest.mark.parametrize("send", [bytes, chunked], ids=["content-length", "chunked"])
def test_one_byte_over_the_limit_is_413_json_and_writes_nothing(
    client: TestClient, db: psycopg.Connection, send: Send
) -> None:
    before = count_messages(db)
    # Still valid JSON: refused for its size alone.
    response = client.post("/fastapi/messages", content=send(LARGEST_BODY + b" "), headers=JSON)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "request body too large"}
    assert count_messages(db) == before


def test_a_declared_length_over_the_limit_is_refused_on_any_path(client: TestClient) -> None:
    """Answered before routing, as the edge does: even a path that never reads a body."""
    response = client.request("GET", "/fastapi/hello", content=LARGEST_BODY + b" ")
    assert (response.status_code, response.json()) == (413, {"error": "request body too large"})
