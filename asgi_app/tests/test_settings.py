"""settings.ServerSettings and WebSocketSettings: whom Uvicorn trusts, how many connections, how a held
WebSocket is kept alive, read strictly from the environment."""

import ipaddress
import subprocess
import sys

import pytest
from gateway_asgi.settings import ServerSettings, WebSocketSettings


@pytest.mark.parametrize(
    ("value", "network"),
    [("192.0.2.0/28", "192.0.2.0/28"), ("192.0.2.10", "192.0.2.10/32"), ("2001:db8::/64", "2001:db8::/64")],
)
def test_trusted_proxy_cidr_is_a_network(monkeypatch: pytest.MonkeyPatch, value: str, network: str) -> None:
    monkeypatch.setenv("UVICORN_WORKERS", "3")
    monkeypatch.setenv("UVICORN_LIMIT_CONCURRENCY", "19000")
    monkeypatch.setenv("UVICORN_BACKLOG", "2048")
    monkeypatch.setenv("TRUSTED_PROXY_CIDR", value)
    assert ServerSettings.from_env() == ServerSettings(
        workers=3, trusted_proxy_cidr=ipaddress.ip_network(network), limit_concurrency=19000, backlog=2048
    )


@pytest.mark.parametrize("value", ["192.0.2.10/24", "nginx", "192.0.2.0/33"])
def test_a_malformed_trusted_network_stops_the_start(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """Uvicorn itself would take it for a host name and trust nobody, silently."""
    monkeypatch.setenv("UVICORN_WORKERS", "3")
    monkeypatch.setenv("UVICORN_LIMIT_CONCURRENCY", "19000")
    monkeypatch.setenv("UVICORN_BACKLOG", "2048")
    monkeypatch.setenv("TRUSTED_PROXY_CIDR", value)
    with pytest.raises(RuntimeError, match=f"^environment variable TRUSTED_PROXY_CIDR: .*{value}"):
        ServerSettings.from_env()


def test_a_missing_trusted_network_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UVICORN_WORKERS", "3")
    monkeypatch.setenv("UVICORN_LIMIT_CONCURRENCY", "19000")
    monkeypatch.setenv("UVICORN_BACKLOG", "2048")
    monkeypatch.delenv("TRUSTED_PROXY_CIDR", raising=False)
    with pytest.raises(RuntimeError, match=r"^environment variable TRUSTED_PROXY_CIDR must be set"):
        ServerSettings.from_env()


@pytest.mark.parametrize("name", ["UVICORN_LIMIT_CONCURRENCY", "UVICORN_BACKLOG"])
def test_a_missing_connection_size_is_named(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("UVICORN_WORKERS", "3")
    monkeypatch.setenv("TRUSTED_PROXY_CIDR", "192.0.2.10")
    monkeypatch.setenv("UVICORN_LIMIT_CONCURRENCY", "19000")
    monkeypatch.setenv("UVICORN_BACKLOG", "2048")
    monkeypatch.delenv(name)
    with pytest.raises(RuntimeError, match=f"^environment variable {name} must be set"):
        ServerSettings.from_env()


def test_the_supervisor_imports_no_database_driver() -> None:
    """serve.py runs Uvicorn's supervisor, which never connects: psycopg would only
    cost it memory for as long as it runs (README: Measured)."""
    probe = "import sys, gateway_asgi.serve; print(sorted(m for m in sys.modules if m.split('.')[0] == 'psycopg'))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_websocket_settings_are_read_as_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBSOCKET_PING_INTERVAL_S", "50")
    monkeypatch.setenv("WEBSOCKET_PING_TIMEOUT_S", "2.5")
    assert WebSocketSettings.from_env() == WebSocketSettings(ping_interval_s=50, ping_timeout_s=2.5)


@pytest.mark.parametrize("name", ["WEBSOCKET_PING_INTERVAL_S", "WEBSOCKET_PING_TIMEOUT_S"])
def test_a_missing_websocket_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("WEBSOCKET_PING_INTERVAL_S", "50")
    monkeypatch.setenv("WEBSOCKET_PING_TIMEOUT_S", "20")
    monkeypatch.delenv(name)
    with pytest.raises(RuntimeError, match=f"^environment variable {name} must be set"):
        WebSocketSettings.from_env()
