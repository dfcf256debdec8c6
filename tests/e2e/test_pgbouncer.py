"""CGI's database rows through PgBouncer (transaction pooling), /cgi/direct/ and /cgi/poll past it.

Counted on PgBouncer's admin console (SHOW STATS, for the gateway user:
stats_users in pgbouncer/pgbouncer.ini), asked with psql from the db
container, which shares the cgi data network with PgBouncer.
"""

import pytest

from tests.conftest import compose, container_env

REQUESTS = 6
SHOW = (
    'PGPASSWORD="$(cat /run/secrets/gateway/db_password)" '
    'psql -h pgbouncer -p 6432 -U gateway -A -F "|" pgbouncer -c "$1"'
)


def admin(command: str) -> list[dict[str, str]]:
    """One SHOW command on PgBouncer's admin console, as rows of column -> value."""
    output = compose("exec", "-T", "db", "sh", "-c", SHOW, "show", command).stdout.splitlines()
    header, *rows = output[:-1]  # the last line is "(N rows)"
    return [dict(zip(header.split("|"), row.split("|"), strict=True)) for row in rows]


def transactions() -> int:
    """Transactions PgBouncer has passed to PostgreSQL for the gateway database so far."""
    (row,) = [row for row in admin("SHOW STATS") if row["database"] == "gateway"]
    return int(row["total_xact_count"])


@pytest.mark.parametrize(("path", "through_pgbouncer"), [("/cgi/db", True), ("/cgi/direct/db", False)])
def test_cgis_db_row_goes_through_pgbouncer_unless_direct(client, path, through_pgbouncer):
    before = transactions()
    for _ in range(REQUESTS):
        response = client.get(path)
        assert response.status_code == 200 and set(response.json()) == {"id", "randomNumber"}
    counted = transactions() - before
    # The cgi healthcheck (/cgi/healthz every 10 s) goes through PgBouncer too: a
    # transaction or two besides ours, never one per request.
    if through_pgbouncer:
        assert counted >= REQUESTS
    else:
        assert counted < REQUESTS


def test_pgbouncer_pools_in_transaction_mode_with_the_budgeted_size():
    (pool,) = [row for row in admin("SHOW POOLS") if row["database"] == "gateway"]
    assert pool["pool_mode"] == "transaction"
    config = {row["key"]: row["value"] for row in admin("SHOW CONFIG")}
    env = container_env("pgbouncer")
    assert config["default_pool_size"] == env["PGBOUNCER_POOL_SIZE"]
    assert int(config["max_client_conn"]) == int(env["FCGI_CHILDREN"]) + 4
    assert config["auth_type"] == "scram-sha-256"
    # CGI's own settings name PgBouncer; nginx names PostgreSQL for the direct paths.
    assert (container_env("cgi")["POSTGRES_HOST"], container_env("cgi")["POSTGRES_PORT"]) == ("pgbouncer", "6432")


def test_a_long_poll_listens_on_a_session_of_its_own(client):
    """LISTEN outlives a transaction: /cgi/poll must not get a pooled connection (it would never be notified)."""
    before = transactions()
    response = client.get("/cgi/poll", params={"after": 0, "timeout_ms": 0})
    assert response.status_code == 200 and isinstance(response.json(), list)
    assert transactions() - before < 2  # at most the healthcheck's
