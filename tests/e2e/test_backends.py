"""Each backend answers through the edge: hello, info, healthz and its process model."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import pytest

from tests.conftest import BACKENDS, compose, container_env, edge_client

GREETINGS = {
    "cgi": "Hello, CGI World",
    "django": "Hello, WSGI World",
    "fastapi": "Hello, ASGI World",
    "wsgi": "Hello, WSGI World",
    "asgi": "Hello, ASGI World",
    "django-asgi": "Hello, ASGI World",
}
INTERFACES = {"cgi": "CGI", "django": "WSGI", "fastapi": "ASGI", "wsgi": "WSGI", "asgi": "ASGI", "django-asgi": "ASGI"}
SERVERS = {
    "cgi": "fcgiwrap",
    "django": "gunicorn",
    "fastapi": "uvicorn",
    "wsgi": "gunicorn",
    "asgi": "uvicorn",
    "django-asgi": "uvicorn",
}
# The setting that fixes each server's number of worker processes (.env, passed to the container).
WORKER_SETTINGS = {
    "cgi": "FCGI_CHILDREN",
    "django": "GUNICORN_WORKERS",
    "fastapi": "UVICORN_WORKERS",
    "wsgi": "GUNICORN_WORKERS",
    "asgi": "UVICORN_WORKERS",
    "django-asgi": "UVICORN_WORKERS",
}
# A child of the server that serves no request: the bookkeeping process of
# multiprocessing's "spawn" start method, which Uvicorn uses for its workers.
HELPER_PROCESSES = ("multiprocessing.resource_tracker",)
# Every process of the container, as its own PID namespace numbers them (the pids /info reports).
LIST_PROCESSES = """
import json, os
rows = []
for pid in (int(name) for name in os.listdir("/proc") if name.isdigit()):
    try:
        stat = open(f"/proc/{pid}/stat").read()
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" ").decode().strip()
    except OSError:
        continue
    rows.append([pid, int(stat.rsplit(")", 1)[1].split()[1]), cmdline])
print(json.dumps(rows))
"""


class Process(NamedTuple):
    pid: int
    ppid: int
    cmdline: str


def processes(service: str) -> dict[int, Process]:
    output = compose("exec", "-T", service, "python3", "-c", LIST_PROCESSES).stdout
    return {row[0]: Process(*row) for row in json.loads(output)}


def children(table: dict[int, Process], pid: int) -> list[Process]:
    return [p for p in table.values() if p.ppid == pid and not any(h in p.cmdline for h in HELPER_PROCESSES)]


def server_workers(service: str) -> tuple[Process, list[Process]]:
    """The server's master and its workers: from the container's first process, down through
    any init (tini) or launcher that has one child, to the process that has the worker pool."""
    table = processes(service)
    master = table[1]
    while len(kids := children(table, master.pid)) == 1 and children(table, kids[0].pid):
        master = kids[0]
    return master, children(table, master.pid)


@pytest.mark.parametrize("backend", BACKENDS)
def test_hello_is_exactly_the_contract_text(client, backend):
    response = client.get(f"/{backend}/hello")
    assert response.status_code == 200
    assert response.text == GREETINGS[backend]
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("backend", BACKENDS)
def test_info_names_interface_server_and_container(client, backend):
    info = client.get(f"/{backend}/info").json()
    assert info["interface"] == INTERFACES[backend]
    assert SERVERS[backend] in info["server"].lower()
    assert isinstance(info["pid"], int)
    # Docker names a container's host after the first 12 hex digits of its id.
    assert info["hostname"] == compose("ps", "-q", backend).stdout.split()[0][:12]
    assert info["python"].startswith("3.")


@pytest.mark.parametrize("backend", BACKENDS)
def test_server_runs_the_configured_number_of_workers(backend):
    configured = int(container_env(backend)[WORKER_SETTINGS[backend]])
    master, workers = server_workers(backend)
    assert len(workers) == configured, (master, workers)


def pids(client, backend: str, count: int) -> list[int]:
    return [client.get(f"/{backend}/info").json()["pid"] for _ in range(count)]


@pytest.mark.parametrize("backend", ["django", "fastapi", "wsgi", "asgi", "django-asgi"])
def test_persistent_workers_serve_every_request(client, backend):
    _, workers = server_workers(backend)
    served = set(pids(client, backend, 40))
    assert served <= {worker.pid for worker in workers}, (served, workers)


def test_cgi_runs_a_new_process_per_request_that_exits_with_it(client):
    _, workers = server_workers("cgi")
    served = pids(client, "cgi", 6)
    assert len(set(served)) == 6
    assert not set(served) & set(processes("cgi")), "a CGI process outlived its request"
    assert not set(served) & {worker.pid for worker in workers}


IO_SECONDS = 0.5


def concurrent_io(ssl_context, backend: str, count: int, seconds: float = IO_SECONDS) -> float:
    """Seconds for `count` simultaneous /io requests, each on a connection of its own
    (opened before the clock starts; httpx's sync HTTP/2 client is not safe to share
    between threads: it dropped streams now and then)."""
    clients = [edge_client(ssl_context) for _ in range(count)]
    try:
        for client in clients:
            client.get(f"/{backend}/hello")
        with ThreadPoolExecutor(count) as pool:
            started = time.monotonic()
            path = f"/{backend}/io?ms={int(seconds * 1000)}"
            responses = list(pool.map(lambda client: client.get(path), clients))
            elapsed = time.monotonic() - started
    finally:
        for client in clients:
            client.close()
    assert [r.status_code for r in responses] == [200] * count
    return elapsed


@pytest.mark.parametrize("backend", ["fastapi", "asgi", "django-asgi"])
def test_asgi_waits_without_holding_a_worker(ssl_context, backend):
    # 40 waits of 0.5 s: 20 s one after another, 10 s on two blocked workers; the event loop overlaps them all.
    assert concurrent_io(ssl_context, backend, 40) < 3 * IO_SECONDS


# How many requests each server runs at once, from the settings in force (.env -> container environment).
CAPACITY = {
    "django": lambda env: int(env["GUNICORN_WORKERS"]) * int(env["GUNICORN_THREADS"]),
    "wsgi": lambda env: int(env["GUNICORN_WORKERS"]) * int(env["GUNICORN_THREADS"]),
    "cgi": lambda env: int(env["FCGI_CHILDREN"]),
}


@pytest.mark.parametrize("backend", CAPACITY)
def test_blocking_servers_wait_within_their_configured_concurrency(ssl_context, backend):
    count = 2 * CAPACITY[backend](container_env(backend))
    elapsed = concurrent_io(ssl_context, backend, count)
    # Twice the capacity needs two rounds at least: never more than the capacity at once...
    assert elapsed >= 2 * IO_SECONDS
    # ...and overlapped, not one by one: a quarter of the capacity at once at least (eight
    # rounds), on top of what the same burst costs without waiting (a process start per
    # request for CGI, on a busy host).
    overhead = concurrent_io(ssl_context, backend, count, seconds=0)
    assert elapsed < overhead + 8 * IO_SECONDS
