from datetime import datetime

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.conftest import count_messages


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
