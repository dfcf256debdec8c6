"""Shared fixtures: where the stack answers and how to reach it, TLS verified."""

import os
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

HTTPS_PORT = int(os.environ.get("HTTPS_PORT", "8443"))
HTTP_PORT = int(os.environ.get("HTTP_PORT", "8080"))
BACKENDS = ("cgi", "django", "fastapi")
# Chromium as root in a closed network: no sandbox (root), no calls home.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


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
def base_url() -> str:
    return f"https://127.0.0.1:{HTTPS_PORT}"


@pytest.fixture(scope="session")
def http_url() -> str:
    return f"http://127.0.0.1:{HTTP_PORT}"


@pytest.fixture
def client(base_url: str, ssl_context: ssl.SSLContext) -> Iterator[httpx.Client]:
    """An HTTP/2-capable client for the edge."""
    with httpx.Client(base_url=base_url, verify=ssl_context, http2=True, timeout=30) as c:
        yield c


def compose(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`docker compose ARGS` on the stack under test (COMPOSE_PROJECT_NAME), output captured."""
    return subprocess.run(["docker", "compose", *args], capture_output=True, text=True, check=check)


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
