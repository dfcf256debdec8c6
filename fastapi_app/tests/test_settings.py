from pathlib import Path

import pytest
from gateway_fastapi.settings import AppSettings, ServerSettings


def test_password_comes_from_file_without_trailing_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "db_password"
    secret.write_text("s3 cret\n\n")
    monkeypatch.setenv("POSTGRES_PASSWORD_FILE", str(secret))
    monkeypatch.delenv("POSTGRES_PASSWORD", raising=False)
    assert "password='s3 cret'" in AppSettings.from_env().conninfo()


def test_defaults_follow_the_conventions(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ROOT_PATH", "DB_POOL_MAX", "UVICORN_WORKERS", "EDGE_PROXY_IP"):
        monkeypatch.delenv(name, raising=False)
    assert AppSettings.from_env().root_path == "/fastapi"
    assert AppSettings.from_env().db_pool_max == 10
    assert ServerSettings.from_env() == ServerSettings(workers=2, edge_proxy_ip="172.30.80.10")
