"""The settings, from the environment fcgiwrap passes on to every script.

Each one is required, with no default here: compose sets them (docs/conventions.md),
and a missing one fails the request with its name in the container log.
The password comes from the file POSTGRES_PASSWORD_FILE names, never from a variable.
"""

import os
from pathlib import Path
from typing import NamedTuple


class MissingSetting(RuntimeError):
    def __init__(self, name: str) -> None:
        super().__init__(f"environment variable {name} is not set")


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise MissingSetting(name)
    return value


class DatabaseSettings(NamedTuple):
    host: str
    port: int
    dbname: str
    user: str
    password_file: Path

    @classmethod
    def from_env(cls) -> "DatabaseSettings":
        return cls(
            host=required("POSTGRES_HOST"),
            port=int(required("POSTGRES_PORT")),
            dbname=required("POSTGRES_DB"),
            user=required("POSTGRES_USER"),
            password_file=Path(required("POSTGRES_PASSWORD_FILE")),
        )


def request_body_max_bytes() -> int:
    """The largest request body (.env holds its derivation); one byte more is a 413."""
    return int(required("REQUEST_BODY_MAX_BYTES"))
