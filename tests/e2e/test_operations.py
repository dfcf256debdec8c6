"""Operations under load, with no failed request and no lost write.

Each test runs tests/e2e/bounded_load.py against a backend through the edge
while one operation runs: an nginx reload, a Gunicorn or Uvicorn reload (HUP),
a deploy (`make deploy SERVICE=...`, scripts/replicas.sh) and scaling
(`make scale ...`; /info's hostname names the replica that answered). Each
asserts that no request failed and that every write answered 201 is in
PostgreSQL afterwards. The stack ends as it began: one
replica of each backend, nginx resolving them by name.
"""

import re
import subprocess
import time

import httpx
import pytest

from tests.conftest import compose
from tests.e2e.bounded_load import BoundedLoad, LoadResult

OPERATION_SECONDS = 360  # each replica started may take WAIT_SECONDS (scripts/replicas.sh) on a busy host


def replicas(*arguments: str) -> None:
    """scripts/replicas.sh, on the stack under test (COMPOSE_PROJECT_NAME, COMPOSE_FILE from the runner)."""
    result = subprocess.run(
        ["scripts/replicas.sh", *arguments], capture_output=True, text=True, timeout=OPERATION_SECONDS, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def container_ids(service: str) -> set[str]:
    return set(compose("ps", "-q", service).stdout.split())


def stored_texts(run_id: str) -> set[str]:
    """This run's messages, read from PostgreSQL itself, not through an API."""
    sql = f"SELECT text FROM message WHERE text LIKE 'ops-{run_id}-%'"  # noqa: S608 - run_id: hex digits
    return set(compose("exec", "-T", "db", "psql", "-U", "gateway", "-d", "gateway", "-tAc", sql).stdout.split())


# An error-log line at warn or above, or an access-log line with a 4xx or 5xx status.
EDGE_TROUBLE = re.compile(r"\[(warn|error|crit|alert|emerg)\]|\" [45]\d\d ")


def edge_trouble(since: str) -> str:
    """What nginx logged of trouble since `since`: the edge's side of a failed request."""
    logs = compose("logs", "--no-color", "--since", since, "nginx", check=False).stdout
    return "\n".join([line for line in logs.splitlines() if EDGE_TROUBLE.search(line)][-20:])


def assert_no_request_failed(load: BoundedLoad) -> LoadResult:
    result = load.result
    print(f"\n{load.backend}: {result.summary()}")  # the README's figures (pytest -s shows them)
    assert result.requests > 0
    assert result.failed == 0, f"{result.summary()}\nnginx since {load.started}:\n{edge_trouble(load.started)}"
    missing = set(result.written) - stored_texts(load.run_id)
    assert not missing, f"{len(missing)} of {len(result.written)} writes answered 201 are not stored"
    return result


def worker_pids(client: httpx.Client, backend: str, samples: int = 24) -> set[int]:
    return {client.get(f"/{backend}/info").json()["pid"] for _ in range(samples)}


def test_nginx_reload_under_load(ssl_context):
    with BoundedLoad(ssl_context, "django") as load:
        for _ in range(3):
            compose("exec", "-T", "nginx", "nginx", "-s", "reload")
            load.wait_for_requests(load.result.requests + 100)
    assert_no_request_failed(load)


def test_gunicorn_reload_replaces_every_worker_under_load(ssl_context, client):
    """Gunicorn's own graceful reload: SIGHUP to the server (pid 1) starts new workers, then stops the
    old ones once they have answered what they hold. (Uvicorn's SIGHUP is not used for a restart
    with nothing lost: its shutdown closes a connection whose request it has not begun to read, a
    POST answered 502 in about 1 of 1,700 requests here; `make restart` drains at the edge first.)"""
    before = worker_pids(client, "django")
    (container,) = container_ids("django")
    with BoundedLoad(ssl_context, "django") as load:
        subprocess.run(["docker", "kill", "--signal", "HUP", container], check=True, capture_output=True)
        deadline = time.monotonic() + 60
        while worker_pids(client, "django", samples=8) & before and time.monotonic() < deadline:
            time.sleep(0.5)
    assert_no_request_failed(load)
    assert not worker_pids(client, "django") & before, "an old worker still answers"


@pytest.mark.parametrize("backend", ["django", "fastapi"])
def test_deploy_replaces_every_container_under_load(ssl_context, backend):
    before = container_ids(backend)
    with BoundedLoad(ssl_context, backend) as load:
        replicas("deploy", backend)
    assert_no_request_failed(load)
    after = container_ids(backend)
    assert len(after) == len(before) and not after & before


def hostnames_answering(client: httpx.Client, backend: str, expected: int, samples: int = 60) -> set[str]:
    """The host names /info reports through the edge, sampled until `expected` distinct ones answered
    (nginx balances each request round-robin) or `samples` requests were made."""
    seen: set[str] = set()
    for _ in range(samples):
        seen.add(client.get(f"/{backend}/info").json()["hostname"])
        if len(seen) == expected:
            break
    return seen


def test_scale_up_and_down_under_load(ssl_context, client):
    with BoundedLoad(ssl_context, "django") as load:
        replicas("scale", "django=3")
        scaled = container_ids("django")
        answering = hostnames_answering(client, "django", expected=3)
        replicas("scale", "django=1")
    assert_no_request_failed(load)
    assert len(scaled) == 3
    # Docker names each container's host after the first 12 hex digits of its id.
    assert answering == {container[:12] for container in scaled}, f"replicas answering /info while at 3: {answering}"
    after = container_ids("django")
    assert len(after) == 1
    assert {client.get("/django/info").json()["hostname"] for _ in range(12)} == {c[:12] for c in after}


def test_scale_refuses_what_the_connection_budget_cannot_hold():
    result = subprocess.run(["scripts/replicas.sh", "scale", "fastapi=20"], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "connection budget" in result.stderr and "max_connections" in result.stderr
    assert len(container_ids("fastapi")) == 1
