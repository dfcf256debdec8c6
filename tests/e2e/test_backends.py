"""Each backend answers through the edge: hello, info, healthz and its process model."""

import pytest

from tests.conftest import BACKENDS

GREETINGS = {"cgi": "Hello, CGI World", "django": "Hello, WSGI World", "fastapi": "Hello, ASGI World"}
INTERFACES = {"cgi": "CGI", "django": "WSGI", "fastapi": "ASGI"}
SERVERS = {"cgi": "fcgiwrap", "django": "gunicorn", "fastapi": "uvicorn"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_hello_is_exactly_the_contract_text(client, backend):
    response = client.get(f"/{backend}/hello")
    assert response.status_code == 200
    assert response.text == GREETINGS[backend]
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("backend", BACKENDS)
def test_info_names_interface_and_server(client, backend):
    info = client.get(f"/{backend}/info").json()
    assert info["interface"] == INTERFACES[backend]
    assert SERVERS[backend] in info["server"].lower()
    assert isinstance(info["pid"], int)
    assert info["python"].startswith("3.")


@pytest.mark.parametrize("backend", BACKENDS)
def test_healthz_is_ok_with_the_database_up(client, backend):
    response = client.get(f"/{backend}/healthz")
    assert response.status_code == 200


def pids(client, backend: str, count: int = 12) -> set[int]:
    return {client.get(f"/{backend}/info").json()["pid"] for _ in range(count)}


def test_cgi_runs_a_new_process_per_request(client):
    assert len(pids(client, "cgi", 6)) == 6


@pytest.mark.parametrize("backend", ["django", "fastapi"])
def test_persistent_workers_serve_many_requests(client, backend):
    # 12 requests over keep-alive land on at most the configured worker count.
    assert len(pids(client, backend)) < 12
