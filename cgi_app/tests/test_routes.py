"""Every read-only row of the endpoint contract, run as the CGI program fcgiwrap executes."""

import html
import subprocess
import sys
import time

import psycopg
import pytest
from cgi_client import GATEWAY, run_cgi


def test_hello_is_exact_plain_text() -> None:
    response = run_cgi("/hello")
    assert response.status == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.body == b"Hello, CGI World"


def test_hello_does_not_import_the_database_driver() -> None:
    # Every request is a new interpreter, so every import is paid per request.
    probe = (
        "import io, sys\n"
        "from cgi_gateway.dispatch import respond\n"
        "from cgi_gateway.request import Request\n"
        "respond(Request.from_cgi({'PATH_INFO': '/hello'}, io.BytesIO()))\n"
        "print(' '.join(sys.modules))"
    )
    modules = subprocess.run(
        [sys.executable, "-c", probe], cwd=GATEWAY.parent, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "cgi_gateway.handlers.greetings" in modules
    assert not [module for module in modules if module.startswith("psycopg")]


def test_head_sends_headers_without_body() -> None:
    response = run_cgi("/hello", method="HEAD")
    assert response.status == 200
    assert response.headers["content-length"] == "16"
    assert response.body == b""


def test_json_message() -> None:
    assert run_cgi("/json").json() == {"message": "Hello, World!"}


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


def test_io_sleeps_for_the_requested_time() -> None:
    started = time.monotonic()
    assert run_cgi("/io", query="ms=300").json() == {"waited_ms": 300}
    assert time.monotonic() - started >= 0.3
    assert run_cgi("/io", query="ms=0").json() == {"waited_ms": 0}


@pytest.mark.parametrize("query", ["", "ms=", "ms=-1", "ms=10001", "ms=abc", "ms=1.5", "ms=1e3", "ms=%00"])
def test_io_rejects_bad_wait(query: str) -> None:
    response = run_cgi("/io", query=query)
    assert response.status == 400
    assert "error" in response.json()


def test_info_names_the_interface_and_a_new_pid_each_request() -> None:
    first, second = run_cgi("/info").json(), run_cgi("/info").json()
    assert first["interface"] == "CGI"
    assert first["server"].startswith("fcgiwrap ")
    assert first["framework"] == "Python standard library"
    assert first["python"].startswith("3.")
    assert first["pid"] != second["pid"]


def test_index_page_links_carry_the_prefix() -> None:
    response = run_cgi("/")
    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.body.decode()
    assert 'href="/cgi/hello"' in page
    assert "CGI" in page
    elsewhere = run_cgi("/", script_name="/mounted/elsewhere").body.decode()
    assert 'href="/mounted/elsewhere/queries?queries=20"' in elsewhere


@pytest.mark.parametrize("path", ["/nope", "/hello/", "/../gateway.py", "/cgi_gateway/routes.py"])
def test_unknown_path_is_json_404(path: str) -> None:
    response = run_cgi(path)
    assert response.status == 404
    assert "error" in response.json()


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", "/hello", "GET, HEAD"), ("DELETE", "/messages", "GET, HEAD, POST"), ("PUT", "/", "GET, HEAD")],
)
def test_wrong_method_is_405_with_allow(method: str, path: str, allow: str) -> None:
    response = run_cgi(path, method=method)
    assert response.status == 405
    assert response.headers["allow"] == allow
    assert "error" in response.json()


def test_healthz_when_the_database_answers() -> None:
    response = run_cgi("/healthz")
    assert response.status == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/healthz", "/db", "/messages"])
def test_database_down_is_503(path: str) -> None:
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    response = run_cgi(path, env_overrides={"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "1"})
    assert response.status == 503
    assert response.json()["error" if path != "/healthz" else "status"]
    assert "Traceback" not in response.body.decode()


def test_unexpected_failure_is_500_without_traceback() -> None:
    response = run_cgi("/db", env_overrides={"POSTGRES_PASSWORD_FILE": "/nonexistent/db_password"})
    assert response.status == 500
    assert response.json() == {"error": "internal server error"}
    assert "Traceback" in response.stderr
    assert "FileNotFoundError" in response.stderr
