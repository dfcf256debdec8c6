"""GET /fortunes (routes/fortunes.py): every stored fortune plus one, sorted and escaped."""

import html

import psycopg
from fastapi.testclient import TestClient


def test_fortunes_adds_one_sorts_and_escapes(client: TestClient, db: psycopg.Connection) -> None:
    response = client.get("/fastapi/fortunes")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    body = response.text
    assert body.startswith("<!DOCTYPE html>")
    assert "<script>" not in body
    assert "&lt;script&gt;alert(&#34;This should not be displayed" in body
    cells = body.split("<td>")[1:]
    messages = [html.unescape(cell.split("</td>")[0]) for cell in cells[1::2]]
    stored = [message for (message,) in db.execute("SELECT message FROM fortune").fetchall()]
    assert messages == sorted([*stored, "Additional fortune added at request time."])
