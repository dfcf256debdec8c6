"""Every read-only row of the contract, its errors, and the PEP 3333 plumbing."""

import html
import os
import re
import socket
import time

import pytest
from conftest import call
from gateway_wsgi import settings


def test_hello_is_exactly_the_seed_text():
    result = call("GET", "/hello")
    assert (result.status, result.body) == (200, b"Hello, WSGI World")
    assert result.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_head_has_the_get_headers_and_no_body():
    get, head = call("GET", "/hello"), call("HEAD", "/hello")
    assert head.status == 200
    assert head.body == b""
    assert head.headers == get.headers  # Content-Length of the GET body included


def test_json():
    assert call("GET", "/json").json() == {"message": "Hello, World!"}


def test_index_links_carry_the_prefix():
    result = call("GET", "/")
    assert result.headers["Content-Type"] == "text/html; charset=utf-8"
    assert 'href="/wsgi/hello"' in result.body.decode()
    assert "WSGI" in result.body.decode()


def test_db_returns_random_world_rows():
    rows = [call("GET", "/db").json() for _ in range(8)]
    for row in rows:
        assert set(row) == {"id", "randomNumber"}
        assert 1 <= row["id"] <= 10_000
    assert len({row["id"] for row in rows}) > 1


@pytest.mark.parametrize(
    ("query", "count"),
    [("queries=20", 20), ("", 1), ("queries=abc", 1), ("queries=0", 1), ("queries=-5", 1), ("queries=501", 500)],
)
def test_queries_are_parsed_and_clamped(query, count):
    rows = call("GET", "/queries", query=query).json()
    assert len(rows) == count


def test_fortunes_adds_one_sorts_and_escapes():
    page = call("GET", "/fortunes").body.decode()
    messages = [html.unescape(cell) for cell in re.findall(r"<tr><td>\d+</td><td>(.*?)</td></tr>", page)]
    assert len(messages) == 13
    assert "Additional fortune added at request time." in messages
    assert messages == sorted(messages)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_io_sleeps_for_the_requested_time():
    started = time.monotonic()
    assert call("GET", "/io", query="ms=50").json() == {"waited_ms": 50}
    assert time.monotonic() - started >= 0.05


@pytest.mark.parametrize("query", ["", "ms=", "ms=-1", "ms=10001", "ms=abc", "ms=1.5", "ms=+5", "ms=%205"])
def test_io_rejects_bad_ms_with_a_json_400(query):
    result = call("GET", "/io", query=query)
    assert result.status == 400
    assert result.json() == {"error": "ms must be an integer from 0 to 10000"}


def test_info_describes_this_process():
    info = call("GET", "/info").json()
    assert info["interface"] == "WSGI"
    assert info["server"] == "gunicorn/test (threads)"  # from SERVER_SOFTWARE, not a constant
    assert info["pid"] == os.getpid()
    assert info["hostname"] == socket.gethostname()
    assert set(info) == {"interface", "server", "framework", "hostname", "pid", "python", "request"}


def test_info_trusts_forwarding_headers_from_the_edge_only():
    edge = str(next(settings.current().trusted_proxy_cidr.hosts()))
    forwarded = {"X-Forwarded-For": "203.0.113.9", "Host": "localhost:8443"}
    assert call("GET", "/info", headers=forwarded, peer=edge).json()["request"] == {
        "client": "203.0.113.9",
        "scheme": "http",  # https comes from Gunicorn's forwarded_allow_ips, not from the app
        "host": "localhost:8443",
    }
    assert call("GET", "/info", headers=forwarded, peer="192.0.2.50").json()["request"]["client"] == "192.0.2.50"


def test_healthz_reports_the_database():
    result = call("GET", "/healthz")
    assert (result.status, result.json()) == (200, {"status": "ok", "database": "ok"})


def test_unknown_path_is_a_json_404():
    result = call("GET", "/no-such-endpoint")
    assert (result.status, result.json()) == (404, {"error": "not found"})


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", "/hello", "GET, HEAD"), ("PUT", "/json", "GET, HEAD"), ("DELETE", "/messages", "GET, HEAD, POST")],
)
def test_wrong_method_is_a_json_405_with_allow(method, path, allow):
    result = call(method, path)
    assert (result.status, result.json()) == (405, {"error": "method not allowed"})
    assert result.headers["Allow"] == allow


def test_websocket_upgrade_is_refused_with_a_reason():
    result = call("GET", "/hello", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    assert result.status == 400
    assert "WebSocket" in result.json()["error"]
