"""Fixtures: the app in-process (TestClient) against the real PostgreSQL named by
POSTGRES_HOST/PORT/DB/USER/PASSWORD_FILE; no database is mocked."""

from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient
from gateway_fastapi.main import create_app
from gateway_fastapi.settings import AppSettings


@pytest.fixture(scope="session")
def settings() -> AppSettings:
    return AppSettings.from_env()


@pytest.fixture(scope="session")
def client(settings: AppSettings) -> Iterator[TestClient]:
    """Entering the client runs the lifespan, which opens the pool."""
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="session")
def db(settings: AppSettings) -> Iterator[psycopg.Connection]:
    """A separate connection to look at the tables the app writes."""
    with psycopg.connect(settings.conninfo(), autocommit=True) as connection:
        yield connection


def count_messages(db: psycopg.Connection) -> int:
    (count,) = db.execute("SELECT count(*) FROM message").fetchone()
    return count


def newest_id(db: psycopg.Connection) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM message").fetchone()[0]
