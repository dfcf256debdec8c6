"""GET /healthz (routes/health.py), and every database route when PostgreSQL is away."""

import pytest
from cgi_client import run_cgi

# Port 1 on loopback: nothing listens, the connection is refused at once.
NO_DATABASE = {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "1"}


def test_healthz_when_the_database_answers() -> None:
    response = run_cgi("/healthz")
    assert response.status == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_when_the_database_is_down() -> None:
    response = run_cgi("/healthz", env_overrides=NO_DATABASE)
    assert response.status == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.parametrize("path", ["/db", "/queries", "/fortunes", "/messages"])
def test_database_down_is_503_without_traceback(path: str) -> None:
    response = run_cgi(path, env_overrides=NO_DATABASE)
    assert response.status == 503
    assert response.json() == {"error": "database unavailable"}
    assert "Traceback" not in response.body.decode()
