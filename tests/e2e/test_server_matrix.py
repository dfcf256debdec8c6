"""The server matrix (compose profile `matrix`): each variant runs the server its config
file names, and the edge neither needs nor waits for them (nginx/routes/was.conf).

The contract itself runs on every variant in test_contract.py, test_cross_backend.py,
test_body_limit.py and, for three of them, test_routing.py.
"""

import pytest

from tests.conftest import VARIANTS, compose, container_env, prefix

# What /info names as the server: the package that calls the application.
SERVERS = {
    "was-gunicorn-sync-1": "gunicorn/",
    "was-gunicorn-sync": "gunicorn/",
    "was-uvicorn-worker": "uvicorn/",  # Gunicorn forks and watches; Uvicorn's protocol calls the app
    "was-granian-wsgi": "Granian",  # Granian's WSGI SERVER_SOFTWARE, no version
    "was-granian-asgi": "granian/",
}
# Every process's command line, one per line (the images have no ps).
COMMAND_LINES = "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' <\"$f\"; echo; done"


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_variant_runs_its_server_with_its_app(client, variant):
    info = client.get(f"/{prefix(variant)}/info").json()
    assert info["server"].startswith(SERVERS[variant]), info["server"]
    assert info["framework"].split()[0].lower() == VARIANTS[variant]


def gunicorn_processes(variant: str) -> int:
    lines = compose("exec", "-T", variant, "sh", "-c", COMMAND_LINES).stdout.splitlines()
    return sum(1 for line in lines if "bin/gunicorn " in line)


def test_gunicorn_sync_runs_one_worker_by_default_and_two_per_core_plus_one_as_its_docs_say():
    assert gunicorn_processes("was-gunicorn-sync-1") == 1 + 1  # the arbiter and its one worker
    cpus = int(container_env("was-gunicorn-sync")["CONTAINER_CPUS"])
    assert gunicorn_processes("was-gunicorn-sync") == 1 + 2 * cpus + 1


def test_an_absent_variant_is_the_edges_json_error_and_a_started_one_is_served_at_once(client):
    variant = "was-gunicorn-sync-1"
    compose("stop", variant)
    try:
        absent = client.get(f"/{prefix(variant)}/hello")
        # 502 when Docker's DNS says the name is unknown, 504 when it forwards the
        # question to the host's servers and the edge's resolver_timeout (3 s) passes.
        assert absent.status_code in (502, 504)
        assert absent.json() == {"error": "the backend is unavailable, try again shortly"}
    finally:
        compose("up", "-d", "--wait", "--no-deps", variant)  # its database and secrets are up
    # nginx resolves the name per request: no restart of the edge, which kept answering.
    assert client.get(f"/{prefix(variant)}/hello").text == "Hello, WSGI World"
    assert client.get("/django/hello").text == "Hello, WSGI World"
