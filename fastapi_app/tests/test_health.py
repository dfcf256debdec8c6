import dataclasses

import pytest
from fastapi.testclient import TestClient
from gateway_fastapi import database
from gateway_fastapi.main import create_app
from gateway_fastapi.settings import AppSettings


def test_healthz_ok_when_database_answers(client: TestClient) -> None:
    response = client.get("/fastapi/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def client_without_database(settings: AppSettings, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The real app pointed at a port where no PostgreSQL listens."""
    monkeypatch.setattr(database, "POOL_CHECKOUT_TIMEOUT_S", 1.0)
    unreachable = dataclasses.replace(settings, postgres_host="127.0.0.1", postgres_port=1)
    with TestClient(create_app(unreachable)) as client:
        yield client


def test_database_down_gives_503_json_not_500(
    client_without_database: TestClient,
) -> None:
    client = client_without_database
    assert client.get("/fastapi/hello").status_code == 200

    health = client.get("/fastapi/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable", "database": "unreachable"}

    for path in ("/fastapi/db", "/fastapi/queries", "/fastapi/fortunes", "/fastapi/messages"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.json() == {"error": "database unavailable"}
