"""Exact routing: only the contract's paths are routes, on every backend (docs/contract.md, "Routing").

Each contract path is bent into spellings that are not that path: a trailing
or doubled slash, dot segments (plain or percent-encoded), encoded control
characters, an encoded slash, a NUL. nginx normalises a path before it picks
a location, so most of them land in the backend's location; none may be
answered as the route. Each is sent byte for byte on a socket of its own, as
no HTTP client library would send it (they normalise dot segments and refuse
control characters).
"""

import http.client
import json
import socket
import ssl

import pytest

from tests.conftest import BACKENDS, HTTPS_PORT, LOOPBACK, PUBLIC_AUTHORITY, PUBLIC_HOST, prefix
from tests.e2e.test_contract import message_count

CONTRACT_PATHS = ("/", "/hello", "/json", "/db", "/queries", "/fortunes", "/io", "/info", "/messages", "/healthz")
CONTROL_CHARACTERS = ("%00", "%0A", "%0D", "%09", "%7F")
NOT_FOUND = (404, {"error": "not found"})  # the backend's: no route has this path
REFUSED = (400, {"error": "bad request"})  # the edge's: a path it will not route (see docs/contract.md)
MESSAGE = json.dumps({"author": "routing test", "text": "a message no route may store"}).encode()
# The server matrix, by the code that strips the prefix: Gunicorn's SCRIPT_NAME
# (sync, the same code as /django/'s gthread), Granian's url_path_prefix (WSGI),
# the app's own ForwardedPrefix under Granian (ASGI). The two left out run code
# tested here already: the Gunicorn sync worker once more (was-gunicorn-sync-1)
# and Uvicorn's HTTP protocol, as /fastapi/ (was-uvicorn-worker).
ROUTED = (*BACKENDS, *map(prefix, ("was-gunicorn-sync", "was-granian-wsgi", "was-granian-asgi")))


def hostile_targets(backend: str, path: str) -> dict[str, tuple[str, tuple[int, dict]]]:
    """Spellings of /<backend><path> that are not that path: label -> (request target, expected answer)."""
    prefixed = f"/{backend}{path}"
    # Out of the prefix to the root, however many segments it has (was/<variant>: two).
    up, encoded_up = "../" * (backend.count("/") + 1), "%2e%2e/" * (backend.count("/") + 1)
    name = path.removeprefix("/")  # "" for the index page
    targets = {
        "doubled slash": (f"/{backend}/{path}", NOT_FOUND),
        "leading doubled slash": (f"/{prefixed}", REFUSED),  # sent under no prefix
        "dot segment": (f"/{backend}/.{path}", NOT_FOUND),
        "dot-dot back in": (f"/{backend}/x/..{path}", NOT_FOUND),
        "dot-dot out and back": (f"/{backend}/{up}{prefixed}", NOT_FOUND),
        "dot-dot from another location": (f"/static/..{prefixed}", REFUSED),  # sent under /static/
        "encoded dot segment": (f"/{backend}/%2E{path}", NOT_FOUND),
        "encoded dot-dot out and back": (f"/{backend}/{encoded_up}{prefixed}", NOT_FOUND),
        "overlong UTF-8 dot-dot": (f"/{backend}/%c0%ae%c0%ae/{prefixed}", NOT_FOUND),
        "dot-dot above the root": (f"/{backend}/../{up}{prefixed}", REFUSED),
        "encoded slash after the prefix": (f"/{backend}%2F{name}", REFUSED),  # sent under no prefix
        "encoded slash at the end": (f"{prefixed}%2F", NOT_FOUND),
        "encoded doubled slash": (f"/{backend}/%2f{name}", NOT_FOUND),
        "NUL byte": (f"{prefixed}\x00", REFUSED),
    }
    if path != "/":
        targets["trailing slash"] = (f"{prefixed}/", NOT_FOUND)
    for character in CONTROL_CHARACTERS:
        expected = REFUSED if character == "%00" else NOT_FOUND  # nginx refuses a NUL, encoded or not
        targets[f"{character} appended"] = (f"{prefixed}{character}", expected)
        if name:
            targets[f"{character} embedded"] = (f"/{backend}/{name[:1]}{character}{name[1:]}", expected)
    return targets


CASES = [
    pytest.param(method, target, expected, id=f"{method} {backend} {path} {label}")
    for backend in ROUTED
    for path in CONTRACT_PATHS
    for label, (target, expected) in hostile_targets(backend, path).items()
    for method in (("GET", "POST") if path == "/messages" else ("GET",))
]


def send_raw(ssl_context: ssl.SSLContext, method: str, target: str, body: bytes = b"") -> tuple[int, str, bytes]:
    """One HTTP/1.1 request with this exact request target: status, content type, body."""
    head = f"{method} {target} HTTP/1.1\r\nHost: {PUBLIC_AUTHORITY}\r\nConnection: close\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    raw = socket.create_connection((LOOPBACK, HTTPS_PORT), timeout=30)
    with raw, ssl_context.wrap_socket(raw, server_hostname=PUBLIC_HOST) as tls:
        tls.sendall(head.encode("latin-1") + b"\r\n" + body)
        response = http.client.HTTPResponse(tls, method=method)
        response.begin()
        return response.status, response.getheader("Content-Type", ""), response.read()


@pytest.mark.parametrize(("method", "target", "expected"), CASES)
def test_only_the_exact_contract_path_is_a_route(ssl_context, method, target, expected):
    stored_before = message_count() if method == "POST" else None
    status, content_type, body = send_raw(ssl_context, method, target, MESSAGE if method == "POST" else b"")
    assert status == expected[0], body[:200]
    assert content_type.startswith("application/json")
    assert json.loads(body) == expected[1]
    if stored_before is not None:
        assert message_count() == stored_before  # nothing written
