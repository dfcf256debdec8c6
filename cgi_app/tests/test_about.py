"""GET / and GET /info (routes/about.py), run as the CGI program fcgiwrap executes."""

import os
import socket
from pathlib import Path

from cgi_client import run_cgi


def test_info_names_the_interface_and_a_new_pid_each_request() -> None:
    first, second = run_cgi("/info").json(), run_cgi("/info").json()
    assert set(first) == {"interface", "server", "framework", "hostname", "pid", "python", "request"}
    assert first["interface"] == "CGI"
    assert first["framework"] == "Python standard library"
    assert first["python"].startswith("3.")
    assert first["hostname"] == second["hostname"] == socket.gethostname()
    assert first["pid"] != second["pid"]


def test_info_server_is_the_program_that_spawned_the_script() -> None:
    # Here pytest runs the script, so pytest is named; test_fcgiwrap.py checks fcgiwrap.
    this_program = Path(f"/proc/{os.getpid()}/comm").read_text().strip()
    assert run_cgi("/info").json()["server"] == this_program


def test_info_request_is_what_nginx_passed_and_ignores_forwarding_headers() -> None:
    spoofed = {
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
        "HTTP_X_FORWARDED_PROTO": "http",
        "HTTP_X_FORWARDED_HOST": "evil.example",
    }
    response = run_cgi("/info", env_overrides={"REMOTE_ADDR": "198.51.100.7", **spoofed})
    assert response.json()["request"] == {"client": "198.51.100.7", "scheme": "https", "host": "localhost:8443"}


def test_info_scheme_is_http_without_https_on() -> None:
    assert run_cgi("/info", env_overrides={"HTTPS": ""}).json()["request"]["scheme"] == "http"


def test_index_page_links_carry_the_prefix() -> None:
    response = run_cgi("/")
    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.body.decode()
    assert 'href="/cgi/hello"' in page
    assert "CGI" in page
    elsewhere = run_cgi("/", script_name="/mounted/elsewhere").body.decode()
    assert 'href="/mounted/elsewhere/queries?queries=20"' in elsewhere
