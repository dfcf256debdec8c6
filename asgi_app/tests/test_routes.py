"""Every read-only row of the contract, its errors, and the prefix, over real HTTP."""

import html
import os
import re
import socket
import time

import pytest
from conftest import call


def test_hello_is_exactly_the_seed_text(get):
    result = get("/asgi/hello")
    assert (result.status, result.body) == (200, b"Hello, ASGI World")
    assert result.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_head_has_the_get_headers_and_no_body(port):
    get, head = call(port, "GET", "/asgi/json"), call(port, "HEAD", "/asgi/json")
    assert head.status == 200
    assert head.body == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"] == str(len(get.body))


def test_json(get):
    assert get("/asgi/json").json() == {"message": "Hello, World!"}


def test_index_links_carry_the_prefix(get):
    page = get("/asgi/").body.decode()
    assert 'href="/asgi/hello"' in page
    assert "ASGI" in page


def test_paths_outside_the_prefix_are_a_json_404(get):
    result = get("/hello")
    assert (result.status, result.json()) == (404, {"error": "not found"})


def test_db_returns_random_world_rows(get):
    rows = [get("/asgi/db").json() for _ in range(8)]
    for row in rows:
        assert set(row) == {"id", "randomNumber"}
        assert 1 <= row["id"] <= 10_000
    assert len({row["id"] for row in rows}) > 1


@pytest.mark.parametrize(
    ("query", "count"),
    [("queries=20", 20), ("", 1), ("queries=abc", 1), ("queries=0", 1), ("queries=-5", 1), ("queries=501", 500)],
)
def test_queries_are_parsed_and_clamped(get, query, count):
    assert len(get(f"/asgi/queries?{query}").json()) == count


def test_fortunes_adds_one_sorts_and_escapes(get):
    page = get("/asgi/fortunes").body.decode()
    messages = [html.unescape(cell) for cell in re.findall(r"<tr><td>\d+</td><td>(.*?)</td></tr>", page)]
    assert len(messages) == 13
    assert "Additional fortune added at request time." in messages
    assert messages == sorted(messages)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_io_waits_without_blocking_other_requests(port):
    started = time.monotonic()
    assert call(port, "GET", "/asgi/io?ms=300").json() == {"waited_ms": 300}
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize("query", ["", "ms=", "ms=-1", "ms=10001", "ms=abc", "ms=1.5", "ms=%205"])
def test_io_rejects_bad_ms_with_a_json_400(get, query):
    result = get(f"/asgi/io?{query}")
    assert (result.status, result.json()) == (400, {"error": "ms must be an integer from 0 to 10000"})


def test_info_names_the_running_server_and_what_it_applied(port):
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    info = call(port, "GET", "/asgi/info", headers=forwarded).json()
    assert info["interface"] == "ASGI"
    # Read from the running process: the Uvicorn module driving this request, on uvloop.
    assert info["server"].startswith("uvicorn/")
    assert "httptools" in info["server"]
    assert info["server"].endswith("on uvloop)")
    assert info["pid"] == os.getpid()
    assert info["hostname"] == socket.gethostname()
    # The test client is the trusted peer here (conftest.TRUSTED_PEER): Uvicorn applied its headers.
    assert info["request"] == {"client": "203.0.113.9", "scheme": "https", "host": f"127.0.0.1:{port}"}


def test_healthz_reports_the_database(get):
    result = get("/asgi/healthz")
    assert (result.status, result.json()) == (200, {"status": "ok", "database": "ok"})


def test_unknown_path_is_a_json_404(get):
    result = get("/asgi/no-such-endpoint")
    assert (result.status, result.json()) == (404, {"error": "not found"})


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", "/hello", "GET, HEAD"), ("PUT", "/json", "GET, HEAD"), ("DELETE", "/messages", "GET, HEAD, POST")],
)
def test_wrong_method_is_a_json_405_with_allow(port, method, path, allow):
    result = call(port, method, f"/asgi{path}")
    assert (result.status, result.json()) == (405, {"error": "method not allowed"})
    assert result.headers["Allow"] == allow
