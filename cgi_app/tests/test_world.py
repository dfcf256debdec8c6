"""GET /db and GET /queries (routes/world.py) against the real `world` table."""

import psycopg
import pytest
from cgi_client import run_cgi


def test_db_returns_a_stored_world_row(database: psycopg.Connection) -> None:
    row = run_cgi("/db").json()
    assert set(row) == {"id", "randomNumber"}
    assert 1 <= row["id"] <= 10_000
    stored = database.execute("SELECT randomnumber FROM world WHERE id = %s", (row["id"],)).fetchone()
    assert stored == (row["randomNumber"],)


@pytest.mark.parametrize(
    ("query", "count"),
    [("", 1), ("queries=", 1), ("queries=abc", 1), ("queries=1.5", 1), ("queries=0", 1), ("queries=-4", 1),
     ("queries=20", 20), ("queries=500", 500), ("queries=501", 500), ("queries=99999999999999999999", 500)],
)  # fmt: skip
def test_queries_count_is_defaulted_and_clamped(query: str, count: int) -> None:
    rows = run_cgi("/queries", query=query).json()
    assert len(rows) == count
    assert all(set(row) == {"id", "randomNumber"} and 1 <= row["id"] <= 10_000 for row in rows)
