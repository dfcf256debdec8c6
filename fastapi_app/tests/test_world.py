"""GET /db and GET /queries (routes/world.py) against the real `world` table."""

import psycopg
import pytest
from fastapi.testclient import TestClient
from gateway_fastapi.validation import query_count


def assert_stored_world(db: psycopg.Connection, row: dict) -> None:
    assert set(row) == {"id", "randomNumber"}
    assert 1 <= row["id"] <= 10_000
    stored = db.execute("SELECT randomnumber FROM world WHERE id = %s", (row["id"],)).fetchone()
    assert stored == (row["randomNumber"],)


def test_db_returns_one_stored_world_row(client: TestClient, db: psycopg.Connection) -> None:
    response = client.get("/fastapi/db")
    assert response.status_code == 200
    assert_stored_world(db, response.json())


@pytest.mark.parametrize(
    ("queries", "expected"),
    [(None, 1), ("", 1), ("abc", 1), ("1.5", 1), ("0", 1), ("-3", 1),
     ("20", 20), ("500", 500), ("501", 500), ("99999999999999999999", 500)],
)  # fmt: skip
def test_queries_clamps_instead_of_rejecting(
    client: TestClient, db: psycopg.Connection, queries: str | None, expected: int
) -> None:
    params = {} if queries is None else {"queries": queries}
    response = client.get("/fastapi/queries", params=params)
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == expected
    for row in rows[:20]:
        assert_stored_world(db, row)


def test_query_count_rule() -> None:
    assert [query_count(raw) for raw in (None, "x", "0", "7", "600")] == [1, 1, 1, 7, 500]
