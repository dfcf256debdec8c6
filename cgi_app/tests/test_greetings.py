"""GET /hello and GET /json (routes/greetings.py): the interface alone, and what it imports."""

import subprocess
import sys

from cgi_client import GATEWAY, run_cgi


def test_hello_is_exact_plain_text() -> None:
    response = run_cgi("/hello")
    assert response.status == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.body == b"Hello, CGI World"


def test_hello_imports_neither_the_database_driver_nor_costly_stdlib_modules() -> None:
    # Every request is a new interpreter, so every import is paid per request:
    # /hello stays within 1.5x of /floor only without these (-X importtime).
    probe = (
        "import io, sys\n"
        "sys.path.insert(0, '.')\n"
        "from gateway_cgi.dispatch import respond\n"
        "from gateway_cgi.request import Request\n"
        "environ = {'SCRIPT_NAME': '/cgi', 'PATH_INFO': '/hello', 'REQUEST_URI': '/cgi/hello'}\n"
        "respond(Request.from_cgi(environ, io.BytesIO()))\n"
        "print(' '.join(sys.modules))"
    )
    modules = subprocess.run(
        [sys.executable, "-IS", "-c", probe], cwd=GATEWAY.parent, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "gateway_cgi.routes.greetings" in modules
    costly = ("psycopg", "gateway_cgi.settings", "typing", "json", "http", "enum", "re", "collections")
    assert [module for module in modules if module.split(".")[0] in costly or module in costly] == []


def test_head_sends_the_headers_of_get_without_body() -> None:
    get, head = run_cgi("/hello"), run_cgi("/hello", method="HEAD")
    assert head.status == 200
    # The same headers; Server-Timing's durations differ from run to run (test_server_timing.py).
    assert {**head.headers, "server-timing": ""} == {**get.headers, "server-timing": ""}
    assert head.headers["content-length"] == "16"
    assert head.body == b""


def test_json_message() -> None:
    response = run_cgi("/json")
    assert response.status == 200
    assert response.json() == {"message": "Hello, World!"}
