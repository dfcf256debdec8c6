"""GET /fortunes (routes/fortunes.py): every stored fortune plus one, sorted and escaped."""

import html

import psycopg
from cgi_client import run_cgi


def test_fortunes_adds_one_sorts_and_escapes(database: psycopg.Connection) -> None:
    response = run_cgi("/fortunes")
    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.body.decode()
    stored = database.execute("SELECT id, message FROM fortune").fetchall()
    expected = sorted([*stored, (0, "Additional fortune added at request time.")], key=lambda row: row[1])
    rows = "".join(f"<tr><td>{fortune_id}</td><td>{html.escape(message)}</td></tr>" for fortune_id, message in expected)
    assert f"<tr><th>id</th><th>message</th></tr>{rows}</table>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
