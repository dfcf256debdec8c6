"""Configuration read from the environment: every name required, none defaulted here.

Compose passes each value under the name it has in the project's settings
(docs/conventions.md); a missing one stops the process at start with a
message that names it.
"""

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path


class MissingSetting(RuntimeError):
    def __init__(self, name: str) -> None:
        super().__init__(f"environment variable {name} is not set")


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise MissingSetting(name)
    return value


def required_network(name: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A network in CIDR notation (a bare address is its /32 or /128), host bits unset."""
    try:
        return ipaddress.ip_network(required(name))
    except ValueError as error:
        raise ValueError(f"environment variable {name}: {error}") from error


@dataclass(frozen=True, slots=True)
class AppSettings:
    """What the application needs: its URL prefix, its database and its body limit."""

    root_path: str
    postgres_host: str
    postgres_port: int
    postgres_db: str
    postgres_user: str
    postgres_password_file: Path
    db_pool_min: int
    db_pool_max: int
    request_body_max_bytes: int

    @classmethod
    def from_env(cls) -> "AppSettings":
        return cls(
            # Where nginx mounts this backend; it forwards the full path
            # (/fastapi/hello), see prefix.ForwardedPrefix.
            root_path=os.environ.get("ROOT_PATH", "/fastapi"),
            postgres_host=required("POSTGRES_HOST"),
            postgres_port=int(required("POSTGRES_PORT")),
            postgres_db=required("POSTGRES_DB"),
            postgres_user=required("POSTGRES_USER"),
            postgres_password_file=Path(required("POSTGRES_PASSWORD_FILE")),
            # Connections per Uvicorn worker: DB_POOL_MIN kept while idle, at
            # most DB_POOL_MAX; the backend holds up to UVICORN_WORKERS x
            # (DB_POOL_MAX + 1) connections with each worker's LISTEN connection
            # (broadcast.py, docs/connection-budget.md).
            db_pool_min=int(required("DB_POOL_MIN")),
            db_pool_max=int(required("DB_POOL_MAX")),
            # The largest request body (.env holds its derivation); one byte
            # more is a 413 (body_limit.py).
            request_body_max_bytes=int(required("REQUEST_BODY_MAX_BYTES")),
        )

    def conninfo(self) -> str:
        """libpq connection string; the password comes from its file, never env."""
        # psycopg is imported here, not at the top: Uvicorn's supervisor process
        # reads ServerSettings from this module and never connects, and the
        # import would cost it ~9 MiB for as long as it runs (README: Measured).
        from psycopg.conninfo import make_conninfo

        # Strip trailing newlines only, as the postgres image's *_FILE reader does.
        password = self.postgres_password_file.read_text().rstrip("\n")
        return make_conninfo(
            host=self.postgres_host,
            port=self.postgres_port,
            dbname=self.postgres_db,
            user=self.postgres_user,
            password=password,
            application_name="fastapi",
        )


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What Uvicorn needs: how many workers, whose forwarding headers to trust, how many connections."""

    workers: int
    trusted_proxy_cidr: ipaddress.IPv4Network | ipaddress.IPv6Network
    limit_concurrency: int
    backlog: int

    @classmethod
    def from_env(cls) -> "ServerSettings":
        return cls(
            # Persistent processes, each one event loop: more workers than the
            # cores they get only adds context switches, and each opens
            # DB_POOL_MAX + 1 connections (its pool and its feed's LISTEN).
            workers=int(required("UVICORN_WORKERS")),
            # The only peers whose X-Forwarded-For/-Proto Uvicorn applies: nginx
            # (docs/conventions.md). Parsed strictly here because Uvicorn takes
            # a malformed network for a host name and silently trusts nobody.
            trusted_proxy_cidr=required_network("TRUSTED_PROXY_CIDR"),
            # Held connections per worker before Uvicorn's own 503, and the
            # kernel's accept queue: .env ("Held connections") derives both.
            limit_concurrency=int(required("UVICORN_LIMIT_CONCURRENCY")),
            backlog=int(required("UVICORN_BACKLOG")),
        )


@dataclass(frozen=True, slots=True)
class WebSocketSettings:
    """A held WebSocket's keep-alive (.env has the reasons): a ping every
    interval, the socket closed when its pong has not come within the timeout.
    Apart from ServerSettings: the server matrix's Gunicorn worker reads it too."""

    ping_interval_s: float
    ping_timeout_s: float

    @classmethod
    def from_env(cls) -> "WebSocketSettings":
        return cls(
            ping_interval_s=float(required("WEBSOCKET_PING_INTERVAL_S")),
            ping_timeout_s=float(required("WEBSOCKET_PING_TIMEOUT_S")),
        )
