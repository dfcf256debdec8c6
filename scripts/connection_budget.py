"""The PostgreSQL connection budget (docs/connection-budget.md) at given replica counts.

    python3 scripts/connection_budget.py django=3 fastapi=3
    python3 scripts/connection_budget.py was-granian-wsgi=1 ...   # with server matrix variants

adds up every client's most connections, each backend's times its replicas
(1 unless named; a server matrix variant 0 unless named), from the sizes in .env (a variable of the same name in the
environment wins, as in compose) and the limits in postgres/postgresql.conf.
Prints the sum; exits 1, saying why, when it does not fit.
`scripts/replicas.sh` asks it before starting a replica; the tools tests use
its functions, so the page, the check and the command share one formula.
"""

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("cgi", "django", "fastapi", "wsgi", "asgi", "django-asgi")
# The server matrix (compose profile `matrix`): not running unless started.
VARIANTS = ("was-gunicorn-sync-1", "was-gunicorn-sync", "was-uvicorn-worker", "was-granian-wsgi", "was-granian-asgi")
OTHER_CLIENTS = 1 + 5  # migrate, and tests/psql/admin


def read_settings(path: Path = ROOT / ".env") -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if re.match(r"^[A-Z_]+=", line))
    return {name: value for name, value in pairs}


def read_postgres_setting(name: str) -> int:
    text = (ROOT / "postgres" / "postgresql.conf").read_text()
    match = re.search(rf"^{name}\s*=\s*(\d+)", text, re.MULTILINE)
    if not match:
        raise ValueError(f"{name} is not set in postgres/postgresql.conf")
    return int(match.group(1))


def per_replica(settings: Mapping[str, str]) -> dict[str, int]:
    """The most connections one replica of each backend opens."""

    def size(name: str) -> int:
        return int(settings[name])

    gunicorn = size("GUNICORN_WORKERS") * size("GUNICORN_THREADS")  # a pool of one connection per thread
    uvicorn = size("UVICORN_WORKERS") * size("DB_POOL_MAX")  # a pool per worker process
    return {
        # One connection per running CGI process, to PgBouncer or, for /cgi/direct/
        # and /cgi/poll, to PostgreSQL itself: counted as if every one went direct.
        "cgi": size("FCGI_CHILDREN"),
        "django": gunicorn,
        "fastapi": uvicorn + size("UVICORN_WORKERS"),  # and one LISTEN connection per worker (its feed)
        "wsgi": gunicorn,
        "asgi": uvicorn + size("UVICORN_WORKERS"),  # and one LISTEN connection per worker (its feed)
        "django-asgi": uvicorn + size("UVICORN_WORKERS"),  # and one LISTEN connection per worker (its feed)
    }


def pooler(settings: Mapping[str, str]) -> int:
    """PgBouncer's PostgreSQL connections (one service, whatever the replicas): its pool for CGI.

    A deployment without PgBouncer (deploy/k8s, deploy/swarm) has no
    PGBOUNCER_POOL_SIZE: its CGI connects to PostgreSQL itself, FCGI_CHILDREN at most.
    """
    return int(settings["PGBOUNCER_POOL_SIZE"]) if "PGBOUNCER_POOL_SIZE" in settings else 0


def per_variant(settings: Mapping[str, str]) -> dict[str, int]:
    """The most connections each server matrix variant opens (compose only: a
    deployment without the matrix need not set CONTAINER_CPUS)."""
    sizes = per_replica(settings)
    return {
        # Django's pool is one connection per thread, and a sync worker is one
        # thread (gunicorn_sync*.conf.py): one per worker.
        "was-gunicorn-sync-1": 1,
        "was-gunicorn-sync": 2 * int(settings["CONTAINER_CPUS"]) + 1,
        # The apps with the lab's sizes: FastAPI's (feeds included), Django's WSGI.
        "was-uvicorn-worker": sizes["fastapi"],
        "was-granian-wsgi": sizes["django"],
        "was-granian-asgi": sizes["fastapi"],
    }


def budget(settings: Mapping[str, str], replicas: Mapping[str, int] | None = None) -> int:
    """Every backend at its count (1 unless named), and the variants named (0 unless named)."""
    counts = {backend: 1 for backend in BACKENDS} | dict(replicas or {})
    sizes = per_replica(settings)
    if any(counts.get(variant) for variant in VARIANTS):
        sizes |= per_variant(settings)
    return sum(sizes[name] * count for name, count in counts.items() if count) + pooler(settings) + OTHER_CLIENTS


def whole_matrix() -> dict[str, int]:
    """Every variant of the server matrix running once (`make up MATRIX=1`, `make test`)."""
    return {variant: 1 for variant in VARIANTS}


def available() -> int:
    return read_postgres_setting("max_connections") - read_postgres_setting("superuser_reserved_connections")


def parse_replicas(arguments: list[str]) -> dict[str, int]:
    replicas = {}
    for argument in arguments:
        name, _, count = argument.lower().replace("_", "-").partition("=")
        if name not in BACKENDS + VARIANTS or not count.isdigit():
            raise ValueError(
                f"expected BACKEND=COUNT with BACKEND one of {', '.join(BACKENDS + VARIANTS)}, got {argument!r}"
            )
        replicas[name] = int(count)
    return replicas


def main(arguments: list[str]) -> int:
    settings = read_settings() | {name: value for name, value in os.environ.items() if name.isupper()}
    try:
        replicas = parse_replicas(arguments)
    except ValueError as error:
        print(f"connection budget: {error}", file=sys.stderr)
        return 2
    running = [*BACKENDS, *(variant for variant in VARIANTS if replicas.get(variant))]
    counts = " ".join(f"{name}={replicas.get(name, 1)}" for name in running)
    needed, limit = budget(settings, replicas), available()
    if needed > limit:
        print(
            f"connection budget: {counts} may open {needed} PostgreSQL connections, more than the {limit} "
            "the server accepts (max_connections - superuser_reserved_connections in postgres/postgresql.conf). "
            "Use fewer replicas, smaller pools in .env, or raise max_connections (docs/connection-budget.md).",
            file=sys.stderr,
        )
        return 1
    print(f"connection budget: {counts} may open {needed} of {limit} PostgreSQL connections")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
