"""Configuration read from the environment (names from docs/conventions.md)."""

import os
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import make_conninfo


@dataclass(frozen=True, slots=True)
class AppSettings:
    """What the application needs: its URL prefix and its database."""

    root_path: str
    postgres_host: str
    postgres_port: int
    postgres_db: str
    postgres_user: str
    postgres_password_file: Path
    db_pool_max: int

    @classmethod
    def from_env(cls) -> "AppSettings":
        return cls(
            # nginx forwards the full path (/fastapi/hello); see main.create_app.
            root_path=os.environ.get("ROOT_PATH", "/fastapi"),
            postgres_host=os.environ.get("POSTGRES_HOST", "db"),
            postgres_port=int(os.environ.get("POSTGRES_PORT", "5432")),
            postgres_db=os.environ.get("POSTGRES_DB", "gateway"),
            postgres_user=os.environ.get("POSTGRES_USER", "gateway"),
            postgres_password_file=Path(os.environ.get("POSTGRES_PASSWORD_FILE", "/run/secrets/gateway/db_password")),
            # Connections per Uvicorn worker; the stack-wide sum is
            # UVICORN_WORKERS (2) x DB_POOL_MAX (10) = 20 of PostgreSQL's 97
            # (docs/connection-budget.md).
            db_pool_max=int(os.environ.get("DB_POOL_MAX", "10")),
        )

    def conninfo(self) -> str:
        """libpq connection string; the password comes from its file, never env."""
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
    """What Uvicorn needs: how many workers, and whose forwarding headers to trust."""

    workers: int
    edge_proxy_ip: str

    @classmethod
    def from_env(cls) -> "ServerSettings":
        return cls(
            # One process per core of the container's CPU limit (2): each worker
            # is a single event loop, so more workers than cores only adds
            # context switches; the DB budget (workers x DB_POOL_MAX = 20)
            # is the other bound (docs/connection-budget.md).
            workers=int(os.environ.get("UVICORN_WORKERS", "2")),
            # nginx's fixed address on the edge network: the only peer whose
            # X-Forwarded-For/-Proto Uvicorn applies (docs/conventions.md).
            edge_proxy_ip=os.environ.get("EDGE_PROXY_IP", "172.30.80.10"),
        )
