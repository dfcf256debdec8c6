"""Environment -> typed settings. Every value comes from the container's
environment (compose passes .env's names unchanged); none has a default here,
so a missing one stops the process with a message naming it."""

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} must be set (see .env and docs/conventions.md)")
    return value


def required_network(name: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A network in CIDR notation (a bare address is its /32 or /128), host bits unset."""
    try:
        return ipaddress.ip_network(required(name))
    except ValueError as error:
        raise RuntimeError(f"environment variable {name}: {error}") from error


@dataclass(frozen=True, slots=True)
class Settings:
    """What the application needs: its URL prefix, its database and its body limit."""

    # The prefix nginx forwards unchanged (/asgi/hello): see app.py.
    root_path: str
    postgres_host: str
    postgres_port: int
    postgres_db: str
    postgres_user: str
    postgres_password_file: Path
    # Pool connections per Uvicorn worker: DB_POOL_MIN kept while idle, at most
    # DB_POOL_MAX; with each worker's feed listener the service opens up to
    # UVICORN_WORKERS x (DB_POOL_MAX + 1) (docs/connection-budget.md).
    db_pool_min: int
    db_pool_max: int
    # The largest request body (.env holds its derivation); one byte more is a 413.
    request_body_max_bytes: int

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            root_path=required("ROOT_PATH").rstrip("/"),
            postgres_host=required("POSTGRES_HOST"),
            postgres_port=int(required("POSTGRES_PORT")),
            postgres_db=required("POSTGRES_DB"),
            postgres_user=required("POSTGRES_USER"),
            postgres_password_file=Path(required("POSTGRES_PASSWORD_FILE")),
            db_pool_min=int(required("DB_POOL_MIN")),
            db_pool_max=int(required("DB_POOL_MAX")),
            request_body_max_bytes=int(required("REQUEST_BODY_MAX_BYTES")),
        )

    def conninfo(self) -> str:
        """libpq connection string; the password comes from its file, never from the environment."""
        # psycopg is imported here, not at the top: Uvicorn's supervisor process
        # reads ServerSettings from this module and never connects, and the
        # import would cost it ~9 MiB for as long as it runs (README: Measured).
        from psycopg.conninfo import make_conninfo

        return make_conninfo(
            host=self.postgres_host,
            port=self.postgres_port,
            dbname=self.postgres_db,
            user=self.postgres_user,
            # Trailing newlines stripped, as the postgres image's *_FILE reader does.
            password=self.postgres_password_file.read_text().rstrip("\n"),
            application_name="asgi",
        )


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What Uvicorn needs: how many workers, whose forwarding headers to trust, how many connections."""

    # Event-loop processes: one per core of the container's CPU limit; more
    # only adds context switches (each is a single thread running Python).
    workers: int
    # The only peers whose X-Forwarded-For/-Proto Uvicorn applies: nginx
    # (docs/conventions.md). Parsed strictly here because Uvicorn takes a
    # malformed network for a host name and silently trusts nobody.
    trusted_proxy_cidr: ipaddress.IPv4Network | ipaddress.IPv6Network
    # Held connections per worker before Uvicorn's own 503, and the kernel's
    # accept queue: .env ("Held connections") derives both.
    limit_concurrency: int
    backlog: int

    @classmethod
    def from_env(cls) -> "ServerSettings":
        return cls(
            workers=int(required("UVICORN_WORKERS")),
            trusted_proxy_cidr=required_network("TRUSTED_PROXY_CIDR"),
            limit_concurrency=int(required("UVICORN_LIMIT_CONCURRENCY")),
            backlog=int(required("UVICORN_BACKLOG")),
        )


@dataclass(frozen=True, slots=True)
class WebSocketSettings:
    """A held WebSocket's keep-alive (.env has the reasons): a ping every
    interval, the socket closed when its pong has not come within the timeout."""

    ping_interval_s: float
    ping_timeout_s: float

    @classmethod
    def from_env(cls) -> "WebSocketSettings":
        return cls(
            ping_interval_s=float(required("WEBSOCKET_PING_INTERVAL_S")),
            ping_timeout_s=float(required("WEBSOCKET_PING_TIMEOUT_S")),
        )
