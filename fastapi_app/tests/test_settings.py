"""settings.py: every value from the environment, none defaulted, the password from its file."""

from pathlib import Path

import pytest
from gateway_fastapi.settings import AppSettings, MissingSetting, ServerSettings


def test_password_comes_from_file_without_trailing_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "db_password"
    secret.write_text("s3 cret\n\n")
    monkeypatch.setenv("POSTGRES_PASSWORD_FILE", str(secret))
    monkeypatch.delenv("POSTGRES_PASSWORD", raising=False)
    assert "password='s3 cret'" in AppSettings.from_env().conninfo()


def test_server_settings_are_read_as_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UVICORN_WORKERS", "3")
    monkeypatch.setenv("EDGE_PROXY_IP", "192.0.2.10")
    assert ServerSettings.from_env() == ServerSettings(workers=3, edge_proxy_ip="192.0.2.10")


@pytest.mark.parametrize("name", ["UVICORN_WORKERS", "EDGE_PROXY_IP"])
def test_missing_server_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("UVICORN_WORKERS", "3")
    monkeypatch.setenv("EDGE_PROXY_IP", "192.0.2.10")
    monkeypatch.delenv(name)
    with pytest.raises(MissingSetting, match=f"^environment variable {name} is not set$"):
        ServerSettings.from_env()


@pytest.mark.parametrize(
    "name", ["DB_POOL_MAX", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_PASSWORD_FILE", "REQUEST_BODY_MAX_BYTES"]
)
def test_missing_app_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.delenv(name, raising=False)
    with pytest.raises(MissingSetting, match=f"^environment variable {name} is not set$"):
        AppSettings.from_env()
