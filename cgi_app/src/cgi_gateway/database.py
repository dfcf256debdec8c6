"""One short-lived PostgreSQL connection per request: opening it is part of what CGI costs.

Settings come from the container environment, which fcgiwrap passes on to
every script it runs; the password comes from the file POSTGRES_PASSWORD_FILE
names (docs/conventions.md), never from an environment variable.
"""

import os
import sys
from http import HTTPStatus
from pathlib import Path

import psycopg

from cgi_gateway.response import HttpError

# Fail fast when the database is down: nginx and the healthcheck wait on us.
CONNECT_TIMEOUT_SECONDS = 3


class DatabaseUnavailable(HttpError):
    def __init__(self) -> None:
        super().__init__(HTTPStatus.SERVICE_UNAVAILABLE, "database unavailable")


def connect() -> psycopg.Connection:
    password_file = os.environ.get("POSTGRES_PASSWORD_FILE", "/run/secrets/gateway/db_password")
    try:
        return psycopg.connect(
            host=os.environ.get("POSTGRES_HOST", "db"),
            port=int(os.environ.get("POSTGRES_PORT", "5432")),
            dbname=os.environ.get("POSTGRES_DB", "gateway"),
            user=os.environ.get("POSTGRES_USER", "gateway"),
            password=Path(password_file).read_text().strip(),
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="gateway-cgi",
            # Every statement stands alone; no BEGIN/COMMIT round trips.
            autocommit=True,
        )
    except psycopg.OperationalError as error:
        print(f"database unavailable: {error}", file=sys.stderr)
        raise DatabaseUnavailable() from error
