"""The PostgreSQL connection budget (docs/connection-budget.md) adds up.

Reads the sizes from .env and the server's limits from postgres/postgresql.conf,
so a change to either that no longer fits fails here, before any stack starts.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OTHER_CLIENTS = 1 + 5  # migrate, and tests/psql/admin (docs/connection-budget.md)


def read_settings(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if re.match(r"^[A-Z_]+=", line))
    return {name: value for name, value in pairs}


def read_postgres_setting(name: str) -> int:
    text = (ROOT / "postgres" / "postgresql.conf").read_text()
    match = re.search(rf"^{name}\s*=\s*(\d+)", text, re.MULTILINE)
    assert match, f"{name} is not set in postgres/postgresql.conf"
    return int(match.group(1))


def budget(settings: dict[str, str]) -> int:
    def size(name: str) -> int:
        return int(settings[name])

    gunicorn_service = size("GUNICORN_WORKERS") * size("GUNICORN_THREADS")  # django, wsgi
    uvicorn_service = size("UVICORN_WORKERS") * size("DB_POOL_MAX")  # fastapi, asgi, django-asgi
    feed_listeners = size("UVICORN_WORKERS")  # fastapi, asgi: one LISTEN connection per worker
    return 2 * gunicorn_service + 3 * uvicorn_service + 2 * feed_listeners + size("FCGI_CHILDREN") + OTHER_CLIENTS


def available() -> int:
    return read_postgres_setting("max_connections") - read_postgres_setting("superuser_reserved_connections")


def test_the_defaults_fit_the_server() -> None:
    assert budget(read_settings(ROOT / ".env")) <= available()


@pytest.mark.parametrize(("name", "value"), [("GUNICORN_THREADS", "64"), ("DB_POOL_MAX", "60")])
def test_an_oversized_pool_does_not_fit(name: str, value: str) -> None:
    settings = read_settings(ROOT / ".env") | {name: value}
    assert budget(settings) > available()
