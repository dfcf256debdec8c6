"""Held connections (issue 10): thousands of WebSockets through the edge with every
broadcast delivered, and a clean refusal at the edge's limit while the connected
clients keep working.

The clients are the conns-client image of `make bench-conns` (loadtest/conns),
on the edge network as Locust is; the smoke runs the bench itself at one step.
The refusal runs a second nginx of the stack's image with a deliberately small
BACKEND_CONNECTIONS_MAX, on the stack's networks, so the stack's own edge keeps
its real limit.
"""

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.conns.clients import ClientContainer, ask_all
from tests.conftest import PUBLIC_AUTHORITY, PUBLIC_HOST, compose, container_env, inspect_container

ROOT = Path(__file__).resolve().parents[2]
SMOKE_CONNECTIONS = 2_000
SMOKE_MESSAGES = 3
SMALL_LIMIT = 5
UNAVAILABLE = {"error": "the backend is unavailable, try again shortly"}  # nginx/snippets/errors/json-errors.conf


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True, timeout=120).stdout


def test_two_thousand_websockets_through_the_edge_all_get_every_broadcast(tmp_path: Path) -> None:
    # One step of `make bench-conns`: held through the edge on an ASGI backend, then
    # each posted message timed from its POST to its arrival on every connection.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.conns",
            "--backends=fastapi",
            "--kinds=websocket",
            f"--steps={SMOKE_CONNECTIONS}",
            f"--messages={SMOKE_MESSAGES}",
            "--hold-s=2",
            "--max-minutes=5",
            f"--reports-dir={tmp_path}",
        ],
        cwd=ROOT,
        check=True,
        timeout=400,
    )
    summary_file = tmp_path / "conns-latest" / "summary.json"
    summary = json.loads(summary_file.read_text())
    # The folder the landing page links to, from the summary's own created.
    assert summary_file.parent.resolve().name == f"conns-{summary['created']}"
    (run,) = summary["runs"]
    (step,) = run["steps"]
    assert (step["held"], step["refused"], step["errors"]) == (SMOKE_CONNECTIONS, 0, 0), step
    assert step["delivered"] == step["expected"] == SMOKE_CONNECTIONS * SMOKE_MESSAGES, step


def edge_ip(container: dict) -> str:
    networks = container["NetworkSettings"]["Networks"]
    (address,) = (network["IPAddress"] for name, network in networks.items() if name.endswith("_edge"))
    return address


@pytest.fixture
def small_edge() -> Iterator[dict]:
    """A second nginx of the stack's image, BACKEND_CONNECTIONS_MAX=SMALL_LIMIT, on every
    network of the stack's nginx (it resolves each backend at start), hardened as
    compose runs nginx, its 443 published on a loopback port of its own."""
    nginx = inspect_container("nginx")
    name = f"{nginx['Name'].lstrip('/')}-small-limit"
    (tls_volume,) = (mount["Name"] for mount in nginx["Mounts"] if mount["Destination"] == "/etc/gateway-tls")
    environment = {**container_env("nginx"), "BACKEND_CONNECTIONS_MAX": str(SMALL_LIMIT)}
    networks = sorted(nginx["NetworkSettings"]["Networks"])
    (edge,) = (network for network in networks if network.endswith("_edge"))
    subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
    docker(
        "create",
        f"--name={name}",
        "--read-only",
        "--tmpfs=/tmp:size=64m",
        "--cap-drop=ALL",
        "--security-opt=no-new-privileges:true",
        "--sysctl=net.ipv4.ip_unprivileged_port_start=0",
        f"--network={edge}",
        "--publish=127.0.0.1::443",
        f"--volume={tls_volume}:/etc/gateway-tls:ro",
        *(f"--env={key}={value}" for key, value in environment.items() if key not in {"PATH", "HOSTNAME"}),
        nginx["Config"]["Image"],
    )
    try:
        for network in networks:
            if network != edge:
                docker("network", "connect", network, name)
        docker("start", name)
        deadline = time.monotonic() + 60
        while json.loads(docker("inspect", name))[0]["State"].get("Health", {}).get("Status") != "healthy":
            assert time.monotonic() < deadline, "the small-limit nginx is not healthy within 60 s"
            time.sleep(1)
        container = json.loads(docker("inspect", name))[0]
        port = int(container["NetworkSettings"]["Ports"]["443/tcp"][0]["HostPort"])
        yield {"name": name, "ip": edge_ip(container), "port": port, "edge": edge, "tls": tls_volume}
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)


def client_image() -> str:
    config = json.loads(compose("--profile", "bench", "config", "--format", "json").stdout)
    return config["services"]["conns-client"]["image"]


def websocket_client(edge: dict, log, token: str) -> ClientContainer:
    """A conns-client container on the edge network for which `nginx` is the small edge."""
    command = [
        "docker",
        "run",
        "--rm",
        "-i",
        "--read-only",
        "--cap-drop=ALL",
        "--security-opt=no-new-privileges:true",
        f"--network={edge['edge']}",
        f"--add-host=nginx:{edge['ip']}",  # the certificate names `nginx`
        f"--volume={edge['tls']}:/etc/gateway-tls:ro",
        f"--env=PUBLIC_HOST={PUBLIC_HOST}",
        client_image(),
        "--base=https://nginx/fastapi/",
        "--post-base=https://nginx/asgi/",  # another backend: /fastapi/ is full
        "--kind=websocket",
        f"--token={token}",
        "--settle-s=1",
        "--max-seconds=180",
    ]
    return ClientContainer(command, ROOT, log)


def small_edge_get(ssl_context, edge: dict, path: str) -> httpx.Response:
    with httpx.Client(
        base_url=f"https://127.0.0.1:{edge['port']}",
        verify=ssl_context,
        headers={"Host": PUBLIC_AUTHORITY},
        event_hooks={"request": [lambda request: request.extensions.setdefault("sni_hostname", PUBLIC_HOST)]},
        timeout=30,
    ) as client:
        return client.get(path)


def test_at_the_limit_new_clients_get_503_json_and_connected_ones_keep_receiving(
    small_edge: dict, ssl_context, tmp_path: Path
) -> None:
    with open(tmp_path / "client.log", "wb") as log:
        client = websocket_client(small_edge, log, token=f"refusal-{time.time_ns()}")
        try:
            (full,) = ask_all([client], [{"cmd": "ramp", "target": SMALL_LIMIT}], "ramped", timeout=120)
            assert (full["held"], full["refused"], full["errors"]) == (SMALL_LIMIT, 0, 0), full
            # Three more WebSocket handshakes: each refused by the edge, none dropped.
            (beyond,) = ask_all([client], [{"cmd": "ramp", "target": SMALL_LIMIT + 3}], "ramped", timeout=120)
            assert (beyond["held"], beyond["refused"], beyond["errors"]) == (SMALL_LIMIT, 3, 0), beyond

            # Any new request for the full backend: the edge's 503 JSON; another backend answers.
            refused = small_edge_get(ssl_context, small_edge, "/fastapi/hello")
            assert refused.status_code == 503
            assert refused.headers["content-type"].startswith("application/json")
            assert refused.json() == UNAVAILABLE
            assert small_edge_get(ssl_context, small_edge, "/asgi/hello").status_code == 200

            # The connected clients keep working: every one gets both messages.
            client.send({"cmd": "post", "count": 2})
            ids = client.receive("posted", timeout=60)["ids"]
            (collected,) = ask_all(
                [client], [{"cmd": "collect", "ids": ids, "expected": 2 * SMALL_LIMIT, "wait_s": 20}], "collected", 60
            )
            assert len(collected["latencies_ms"]) == 2 * SMALL_LIMIT, collected
            assert collected["errors"] == 0
        finally:
            client.stop()
