"""Shared fixtures: where the stack answers and how to reach it, TLS verified.

The site's name and ports come from the environment (PUBLIC_HOST, HTTP_PORT,
HTTPS_PORT, as in `.env`): every request connects to 127.0.0.1 and names
PUBLIC_HOST in its Host header and TLS SNI, so the suite runs unchanged under
any host name without DNS for it.
"""

import asyncio
import json
import os
import ssl
import subprocess
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from playwright.sync_api import Browser, Page, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from websockets.asyncio.client import connect

from bench.docker_stats import parse_size

PUBLIC_HOST = os.environ.get("PUBLIC_HOST", "localhost")
HTTPS_PORT = int(os.environ.get("HTTPS_PORT", "8443"))
HTTP_PORT = int(os.environ.get("HTTP_PORT", "8080"))
LOOPBACK = "127.0.0.1"  # the ports are published on loopback only
# host[:port] as a browser sends it: the scheme's default port is left out (RFC 9110 §4.2).
PUBLIC_AUTHORITY = PUBLIC_HOST if HTTPS_PORT == 443 else f"{PUBLIC_HOST}:{HTTPS_PORT}"
PUBLIC_ORIGIN = f"https://{PUBLIC_AUTHORITY}"
BACKENDS = ("cgi", "django", "fastapi", "wsgi", "asgi", "django-asgi")
# The server matrix (compose profile `matrix`, which `make test` starts): each
# variant's service and the app it serves, another server in front of it.
VARIANTS = {
    "was-gunicorn-sync-1": "django",
    "was-gunicorn-sync": "django",
    "was-uvicorn-worker": "fastapi",
    "was-granian-wsgi": "django",
    "was-granian-asgi": "fastapi",
}


def prefix(service: str) -> str:
    """Where the edge mounts a backend or variant, without slashes: django, was/granian-wsgi."""
    return "was/" + service.removeprefix("was-") if service in VARIANTS else service


# Every prefix that serves the contract through the edge, and the app behind
# each: the one its `/messages` rows name as `via`, its hello's interface.
ROUTES = (*BACKENDS, *map(prefix, VARIANTS))
APPS = {backend: backend for backend in BACKENDS} | {prefix(variant): app for variant, app in VARIANTS.items()}
# Every service that runs until stopped (the others are one-shot jobs).
LONG_RUNNING = ("nginx", *BACKENDS, *VARIANTS, "pgbouncer", "db", "locust", "locust-worker")
# Chromium as root in a closed network: no sandbox (root), no calls home;
# PUBLIC_HOST resolves to the loopback address the ports are published on.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    f"--host-resolver-rules=MAP {PUBLIC_HOST} {LOOPBACK}",
]


def _name_the_public_host(request: httpx.Request) -> None:
    """TLS SNI and certificate check for PUBLIC_HOST while the socket goes to 127.0.0.1."""
    request.extensions.setdefault("sni_hostname", PUBLIC_HOST)


def edge_websocket(ca_file: Path, path: str, **options) -> connect:
    """A WebSocket handshake to wss://PUBLIC_HOST:HTTPS_PORT/<path>, connected to 127.0.0.1
    and verified by the stack's CA. A context of its own: httpx sets ALPN "h2" on the shared
    one, and a WebSocket handshake is HTTP/1.1."""
    return connect(
        f"wss://{PUBLIC_AUTHORITY}/{path}",
        ssl=ssl.create_default_context(cafile=str(ca_file)),  # SNI and Host: PUBLIC_HOST
        host=LOOPBACK,
        port=HTTPS_PORT,
        open_timeout=10,
        **options,
    )


def edge_client(ssl_context: ssl.SSLContext, **options) -> httpx.Client:
    """A client for https://PUBLIC_HOST:HTTPS_PORT, connected to 127.0.0.1 and verified by the stack's CA."""
    headers = {"Host": PUBLIC_AUTHORITY, **options.pop("headers", {})}
    return httpx.Client(
        base_url=f"https://{LOOPBACK}:{HTTPS_PORT}",
        verify=ssl_context,
        headers=headers,
        event_hooks={"request": [_name_the_public_host]},
        timeout=options.pop("timeout", 30),
        **options,
    )


@pytest.fixture(scope="session")
def ca_file() -> Path:
    """The stack's CA certificate; `make test` copies it out of the `tls` volume."""
    path = Path(os.environ.get("GATEWAY_CA", "certs/ca.crt"))
    if not path.is_file():
        pytest.fail(f"no CA certificate at {path}: is the stack up (make up / make test)?")
    return path


@pytest.fixture(scope="session")
def ssl_context(ca_file: Path) -> ssl.SSLContext:
    """Verifies the edge against the stack's own CA only, never with verification off."""
    return ssl.create_default_context(cafile=str(ca_file))


@pytest.fixture(scope="session")
def http_url() -> str:
    return f"http://{LOOPBACK}:{HTTP_PORT}"


@pytest.fixture
def client(ssl_context: ssl.SSLContext) -> Iterator[httpx.Client]:
    """An HTTP/2-capable client for the edge."""
    with edge_client(ssl_context, http2=True) as c:
        yield c


def compose(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`docker compose ARGS` on the stack under test (COMPOSE_PROJECT_NAME), output captured;
    with check, a failure names the command and shows what compose said."""
    result = subprocess.run(["docker", "compose", *args], capture_output=True, text=True, check=False)
    if check and result.returncode:
        pytest.fail(f"docker compose {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
    return result


def inspect_container(service: str) -> dict:
    """`docker inspect` of the service's (first) running container."""
    container_id = compose("ps", "-q", service).stdout.split()[0]
    result = subprocess.run(["docker", "inspect", container_id], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)[0]


def container_usage(service: str) -> tuple[int, int]:
    """(bytes of memory, pids) in use now, as `docker stats` counts them (make measure's figure)."""
    container_id = inspect_container(service)["Id"]
    stats = subprocess.run(
        ["docker", "stats", "--no-stream", "--format", "{{json .}}", container_id],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    record = json.loads(stats)
    return parse_size(record["MemUsage"].split("/")[0]), int(record["PIDs"])


def container_env(service: str) -> dict[str, str]:
    """The environment the service's container runs with: the configuration actually in force."""
    return dict(item.split("=", 1) for item in inspect_container(service)["Config"]["Env"])


def read_secret(path: str) -> str:
    """A generated secret, read through the one-shot `secrets` service as `make *-password` does."""
    return compose("run", "--rm", "--no-deps", "-T", "secrets", "cat", path).stdout.strip()


@pytest.fixture(scope="session")
def chromium_home(ca_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A HOME whose NSS database trusts the stack's CA: Chromium verifies TLS as a user's would."""
    home = tmp_path_factory.mktemp("chromium-home")
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run(["certutil", "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "gateway-lab", "-i", str(ca_file)], check=True
    )
    return home


@pytest.fixture(scope="session")
def browser(chromium_home: Path) -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (its own browser download cannot work here)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            env={**os.environ, "HOME": str(chromium_home)},
            args=CHROMIUM_FLAGS,
        )
        yield chromium
        chromium.close()


def goto_idle(page: Page, url: str) -> Response | None:
    """Navigate and wait until the page is idle. Chromium aborts a navigation with
    ERR_NETWORK_CHANGED when the host's interfaces change (Docker adds one for every
    container started on the host): such a navigation is tried again, twice at most."""
    for attempt in range(3):
        try:
            return page.goto(url, wait_until="networkidle")
        except PlaywrightError as error:
            changed = "ERR_NETWORK_CHANGED" in error.message or "chrome-error://" in error.message
            if not changed or attempt == 2:
                raise
    return None


Result = TypeVar("Result")


def run_async(coroutine: Coroutine[object, object, Result]) -> Result:
    """asyncio.run in a thread of its own: Playwright's sync API (the browser
    fixture, once started) keeps an event loop running in the test's thread,
    where asyncio.run refuses to start another."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
