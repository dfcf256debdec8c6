import html
import time

import pytest
from fastapi.testclient import TestClient
from gateway_fastapi.routes.benchmarks import query_count


def assert_world(row: dict) -> None:
    assert set(row) == {"id", "randomNumber"}
    assert 1 <= row["id"] <= 10_000
    assert isinstance(row["randomNumber"], int)


def test_db_returns_one_world_row(client: TestClient) -> None:
    response = client.get("/fastapi/db")
    assert response.status_code == 200
    assert_world(response.json())


@pytest.mark.parametrize(
    ("queries", "expected"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("1.5", 1),
        ("0", 1),
        ("-3", 1),
        ("20", 20),
        ("500", 500),
        ("501", 500),
        ("99999999999999999999", 500),
    ],
)
def test_queries_clamps_instead_of_rejecting(client: TestClient, queries: str | None, expected: int) -> None:
    params = {} if queries is None else {"queries": queries}
    response = client.get("/fastapi/queries", params=params)
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == expected
    for row in rows:
        assert_world(row)


def test_query_count_rule() -> None:
    assert [query_count(raw) for raw in (None, "x", "0", "7", "600")] == [
        1,
        1,
        1,
        7,
        500,
    ]


def test_fortunes_adds_one_sorts_and_escapes(client: TestClient) -> None:
    response = client.get("/fastapi/fortunes")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    body = response.text
    assert body.startswith("<!DOCTYPE html>")
    assert "<script>" not in body
    assert "&lt;script&gt;alert(&#34;This should not be displayed" in body
    cells = body.split("<td>")[1:]
    messages = [html.unescape(cell.split("</td>")[0]) for cell in cells[1::2]]
    assert len(messages) == 13
    assert "Additional fortune added at request time." in messages
    assert messages == sorted(messages)
    assert "フレームワークのベンチマーク" in messages


def test_io_waits_without_blocking(client: TestClient) -> None:
    started = time.monotonic()
    response = client.get("/fastapi/io", params={"ms": "200"})
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json() == {"waited_ms": 200}
    assert elapsed >= 0.2


def test_io_accepts_the_bounds(client: TestClient) -> None:
    assert client.get("/fastapi/io?ms=0").json() == {"waited_ms": 0}


@pytest.mark.parametrize("ms", ["-1", "10001", "abc", "1.5", "10.0", "1_0", "", None])
def test_io_rejects_bad_ms_with_400_json(client: TestClient, ms: str | None) -> None:
    params = {} if ms is None else {"ms": ms}
    response = client.get("/fastapi/io", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"].startswith("query.ms: ")
    assert body["detail"][0]["loc"] == ["query", "ms"]
