"""Shared fixtures: where the stack answers and how to reach it, TLS verified."""

import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

HTTPS_PORT = int(os.environ.get("HTTPS_PORT", "8443"))
HTTP_PORT = int(os.environ.get("HTTP_PORT", "8080"))
BACKENDS = ("cgi", "django", "fastapi")


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
