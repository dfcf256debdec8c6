"""The PostgreSQL connection budget (docs/connection-budget.md) adds up.

scripts/connection_budget.py holds the formulas (scripts/replicas.sh asks it
before starting a replica); this reads the sizes from .env and the server's
limits from postgres/postgresql.conf through it, so a change to either that no
longer fits fails here, before any stack starts.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "scripts" / "connection_budget.py"
_spec = importlib.util.spec_from_file_location("connection_budget", TOOL)
connection_budget = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(connection_budget)

# The largest replica counts the README documents (make scale DJANGO=3 FASTAPI=3),
# plus the one extra replica `make deploy` runs at a time, of the biggest backend.
LARGEST_DOCUMENTED = {"django": 3, "fastapi": 3}


def test_the_defaults_fit_the_server() -> None:
    assert connection_budget.budget(connection_budget.read_settings()) <= connection_budget.available()


def test_the_largest_documented_replica_counts_fit_during_a_deploy() -> None:
    settings = connection_budget.read_settings()
    biggest = max(connection_budget.per_replica(settings).values())
    needed = connection_budget.budget(settings, LARGEST_DOCUMENTED) + biggest
    assert needed <= connection_budget.available()


@pytest.mark.parametrize(("name", "value"), [("GUNICORN_THREADS", "64"), ("DB_POOL_MAX", "60")])
def test_an_oversized_pool_does_not_fit(name: str, value: str) -> None:
    settings = connection_budget.read_settings() | {name: value}
    assert connection_budget.budget(settings) > connection_budget.available()


def run_tool(*replicas: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), *replicas], capture_output=True, text=True, check=False)


def test_the_command_accepts_what_fits_and_names_the_sum() -> None:
    result = run_tool("DJANGO=3", "fastapi=3")
    needed = connection_budget.budget(connection_budget.read_settings(), LARGEST_DOCUMENTED)
    assert result.returncode == 0, result.stderr
    assert f"may open {needed} of {connection_budget.available()}" in result.stdout


def test_the_command_refuses_what_does_not_fit_and_says_why() -> None:
    result = run_tool("fastapi=20")
    assert result.returncode == 1
    assert "max_connections" in result.stderr and "fastapi=20" in result.stderr


def test_the_command_rejects_an_unknown_backend() -> None:
    assert run_tool("nginx=2").returncode == 2


def test_pgbouncers_pool_is_counted_once_whatever_cgis_replicas() -> None:
    settings = connection_budget.read_settings()
    pool = int(settings["PGBOUNCER_POOL_SIZE"])
    assert pool > 0  # compose runs PgBouncer (docker-compose.yml)
    without = {name: value for name, value in settings.items() if name != "PGBOUNCER_POOL_SIZE"}
    assert connection_budget.budget(settings) == connection_budget.budget(without) + pool
    # More CGI replicas add their processes' connections, never another pool.
    per_cgi = connection_budget.per_replica(settings)["cgi"]
    assert connection_budget.budget(settings, {"cgi": 3}) == connection_budget.budget(settings) + 2 * per_cgi


def test_the_defaults_fit_with_every_server_matrix_variant_running() -> None:
    settings = connection_budget.read_settings()
    assert connection_budget.budget(settings, connection_budget.whole_matrix()) <= connection_budget.available()


def test_a_variant_counts_only_when_running() -> None:
    settings = connection_budget.read_settings()
    alone = connection_budget.budget(settings)
    with_one = connection_budget.budget(settings, {"was-granian-wsgi": 1})
    assert with_one - alone == connection_budget.per_variant(settings)["was-granian-wsgi"] > 0


def test_gunicorn_sync_workers_follow_the_container_cores() -> None:
    # gunicorn_sync.conf.py: 2 x CONTAINER_CPUS + 1 workers, one connection each.
    settings = connection_budget.read_settings()
    for cpus in (1, 2, 8):
        sizes = connection_budget.per_variant(settings | {"CONTAINER_CPUS": str(cpus)})
        assert sizes["was-gunicorn-sync"] == 2 * cpus + 1


def test_the_variants_are_the_compose_files_matrix_profile() -> None:
    compose_file = (ROOT / "docker-compose.yml").read_text()
    services = re.findall(r"^  ([a-z0-9-]+):\n    <<: \*was-variant$", compose_file, re.MULTILINE)
    assert tuple(services) == connection_budget.VARIANTS


def test_the_command_counts_a_running_variant() -> None:
    result = run_tool("was-gunicorn-sync=1")
    needed = connection_budget.budget(connection_budget.read_settings(), {"was-gunicorn-sync": 1})
    assert result.returncode == 0, result.stderr
    assert "was-gunicorn-sync=1" in result.stdout and f"may open {needed} of" in result.stdout
