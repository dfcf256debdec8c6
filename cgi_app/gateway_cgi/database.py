"""One short-lived PostgreSQL connection per request: opening it is part of what CGI costs."""

import sys

import psycopg

from gateway_cgi import timing
from gateway_cgi.errors import HttpError
from gateway_cgi.settings import DatabaseSettings

# Fail fast when the database is down: nginx and the healthcheck wait on us.
CONNECT_TIMEOUT_SECONDS = 3


class DatabaseUnavailable(HttpError):
    def __init__(self) -> None:
        super().__init__(503, "database unavailable")


def connect() -> psycopg.Connection:
    settings = DatabaseSettings.from_env()
    password = settings.password_file.read_text().strip()
    try:
        connection = psycopg.connect(
            host=settings.host,
            port=settings.port,
            dbname=settings.dbname,
            user=settings.user,
            password=password,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="gateway-cgi",
            # Every statement stands alone; no BEGIN/COMMIT round trips.
            autocommit=True,
        )
    except psycopg.OperationalError as error:
        print(f"database unavailable: {error}", file=sys.stderr)
        raise DatabaseUnavailable() from error
    timing.mark("connect")
    return connection
