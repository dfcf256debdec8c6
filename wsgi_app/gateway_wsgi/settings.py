"""Environment -> typed settings. Every value comes from the container's
environment (compose passes .env's names unchanged); none has a default here,
so a missing one stops the process with a message naming it."""

import functools
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import make_conninfo


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} must be set (see .env and docs/conventions.md)")
    return value


def required_network(name: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A network in CIDR notation (a bare address is its /32 or /128), host bits unset,
    as Gunicorn's forwarded_allow_ips requires too."""
    try:
        return ipaddress.ip_network(required(name))
    except ValueError as error:
        raise RuntimeError(f"environment variable {name}: {error}") from error


@dataclass(frozen=True, slots=True)
class Settings:
    postgres_host: str
    postgres_port: int
    postgres_db: str
    postgres_user: str
    postgres_password_file: Path
    # Connections per worker process: DB_POOL_MIN kept while idle, at most one
    # per Gunicorn thread.
    pool_min: int
    pool_size: int
    # nginx: the only peers whose X-Forwarded-For is believed (docs/conventions.md).
    trusted_proxy_cidr: ipaddress.IPv4Network | ipaddress.IPv6Network
    # The largest request body (.env holds its derivation); one byte more is a 413.
    request_body_max_bytes: int

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            postgres_host=required("POSTGRES_HOST"),
            postgres_port=int(required("POSTGRES_PORT")),
            postgres_db=required("POSTGRES_DB"),
            postgres_user=required("POSTGRES_USER"),
            postgres_password_file=Path(required("POSTGRES_PASSWORD_FILE")),
            pool_min=int(required("DB_POOL_MIN")),
            pool_size=int(required("GUNICORN_THREADS")),
            trusted_proxy_cidr=required_network("TRUSTED_PROXY_CIDR"),
            request_body_max_bytes=int(required("REQUEST_BODY_MAX_BYTES")),
        )

    def conninfo(self) -> str:
        """libpq connection string; the password comes from its file, never from the environment."""
        return make_conninfo(
            host=self.postgres_host,
            port=self.postgres_port,
            dbname=self.postgres_db,
            user=self.postgres_user,
            # Trailing newlines stripped, as the postgres image's *_FILE reader does.
            password=self.postgres_password_file.read_text().rstrip("\n"),
            application_name="wsgi",
        )


@functools.cache
def current() -> Settings:
    """This process's settings, read once (the environment does not change while it runs)."""
    return Settings.from_env()
