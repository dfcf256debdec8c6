"""The edge itself: TLS, HTTP/2, redirects, security headers, static files, limits."""

import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import HTTP_PORT, HTTPS_PORT, LOOPBACK, PUBLIC_HOST, PUBLIC_ORIGIN, compose

# What the edge adds to every response, its own errors included (conf/security-headers.conf).
SECURITY_HEADERS = {
    "strict-transport-security": "max-age=63072000",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
}


def handshake(ctx: ssl.SSLContext, server_name: str = PUBLIC_HOST) -> str:
    raw = socket.create_connection((LOOPBACK, HTTPS_PORT), timeout=5)
    with raw, ctx.wrap_socket(raw, server_hostname=server_name) as tls:
        return tls.version() or ""


def test_certificate_verifies_against_the_stack_ca_for_the_host_name_and_ip(ssl_context):
    assert handshake(ssl_context, PUBLIC_HOST) in {"TLSv1.2", "TLSv1.3"}
    assert handshake(ssl_context, LOOPBACK) in {"TLSv1.2", "TLSv1.3"}


def test_certificate_is_not_trusted_without_the_stack_ca():
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(ssl.create_default_context())


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_1_2_and_1_3_are_accepted(ssl_context, ca_file, version):
    ctx = ssl.create_default_context(cafile=str(ca_file))
    ctx.minimum_version = ctx.maximum_version = version
    assert handshake(ctx) == {ssl.TLSVersion.TLSv1_2: "TLSv1.2", ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[version]


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
def test_tls_1_1_is_refused(ca_file):
    ctx = ssl.create_default_context(cafile=str(ca_file))
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let the client offer TLS 1.1 at all
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    with pytest.raises(ssl.SSLError) as refused:
        handshake(ctx)
    # The server's "protocol_version" alert (RFC 8446 §6.2), not a refusal by this client's own OpenSSL.
    assert refused.value.reason == "TLSV1_ALERT_PROTOCOL_VERSION", refused.value


def test_http2_is_negotiated(client):
    response = client.get("/")
    assert response.http_version == "HTTP/2"


def test_http_redirects_to_https_with_308_keeping_path_and_query(http_url):
    response = httpx.post(f"{http_url}/django/hello?x=1", headers={"Host": f"{PUBLIC_HOST}:{HTTP_PORT}"})
    assert response.status_code == 308
    assert response.headers["location"] == f"{PUBLIC_ORIGIN}/django/hello?x=1"


@pytest.mark.parametrize("backend", ["cgi", "django", "fastapi"])
def test_prefix_without_slash_redirects_with_308_to_the_prefix(client, backend):
    response = client.get(f"/{backend}")
    assert response.status_code == 308
    # Relative or absolute, the target is this site's page: same host and public port.
    assert httpx.URL(f"{PUBLIC_ORIGIN}/{backend}").join(response.headers["location"]) == f"{PUBLIC_ORIGIN}/{backend}/"


# Pages, files, backends and the edge's own answers: the headers are on every kind of response.
HEADER_PROBES = {
    "landing page": ("GET", "/", {}, 200),
    "static file": ("GET", "/static/landing/style.css", {}, 200),
    "reports index": ("GET", "/reports/", {}, 200),
    "static 404": ("GET", "/does-not-exist", {}, 404),
    "cgi": ("GET", "/cgi/hello", {}, 200),
    "django": ("GET", "/django/hello", {}, 200),
    "fastapi": ("GET", "/fastapi/hello", {}, 200),
    "backend 404": ("GET", "/fastapi/no-such-endpoint", {}, 404),
    "locust 401": ("GET", "/locust/", {}, 401),
    "unknown host 421": ("GET", "/django/hello", {"Host": "evil.example"}, 421),
    "too large 413": ("POST", "/fastapi/messages", {"Content-Type": "application/json"}, 413),
}


@pytest.mark.parametrize("probe", HEADER_PROBES)
def test_security_headers_on_every_response_once(client, probe):
    method, path, headers, status = HEADER_PROBES[probe]
    response = client.request(method, path, headers=headers, content=b" " * 30_000 if method == "POST" else None)
    assert response.status_code == status
    # Each exactly once: a second, different value from a backend would make the pair ambiguous.
    seen = {name: response.headers.get_list(name) for name in SECURITY_HEADERS}
    assert seen == {name: [value] for name, value in SECURITY_HEADERS.items()}


def test_landing_page_links_every_backend(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for link in ('href="/cgi/"', 'href="/django/"', 'href="/fastapi/"', 'href="/locust/"'):
        assert link in response.text


def test_static_files_come_from_disk_with_long_cache_headers(client):
    response = client.get("/static/landing/style.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert "max-age=2592000" in response.headers["cache-control"]
    assert client.get("/static/landing/missing.css").status_code == 404


def test_calibration_is_answered_by_nginx_alone_and_not_logged(client):
    """/edge-calibration, the bench's calibration cell: a fixed 200 from nginx, no log line."""
    marker = f"calibration-{time.monotonic_ns()}"
    response = client.get(f"/edge-calibration?{marker}")
    assert response.status_code == 200 and response.text == "calibration\n"
    assert response.headers["content-type"].startswith("text/plain")
    assert all(response.headers[name] == value for name, value in SECURITY_HEADERS.items())
    # A logged request after it: once its line is out, the calibration's would be too.
    client.get(f"/cgi/floor?{marker}")
    deadline = time.monotonic() + 10
    while marker not in (logs := compose("logs", "--no-color", "nginx").stdout) and time.monotonic() < deadline:
        time.sleep(0.5)  # access_log buffer=32k flush=1s (snippets/logging/access-log.conf)
    assert f"/cgi/floor?{marker}" in logs
    assert f"/edge-calibration?{marker}" not in logs


def test_unknown_host_gets_421_json_and_reaches_no_backend(client):
    response = client.get("/django/hello", headers={"Host": "evil.example"})
    assert response.status_code == 421
    assert "error" in response.json()


@pytest.mark.parametrize(
    "target",
    [
        "/cgi/gateway.py",  # the CGI program's own file, by name
        "/cgi/a/../gateway.py",  # normalised to /cgi/gateway.py: still under /cgi/
        "/cgi//srv/cgi_app/gateway.py",  # merged slashes: /cgi/srv/cgi_app/gateway.py
        "/cgi/..%5c..%5cetc%5cpasswd",  # backslashes are no separators: PATH_INFO /..\..\etc\passwd
        "/cgi/%2fetc%2fpasswd",  # an encoded slash: PATH_INFO //etc/passwd
    ],
)
def test_cgi_answers_paths_naming_files_with_its_own_404(client, target):
    # Sent as is (no client-side normalisation): the request reaches /cgi/, and
    # the one CGI program treats the path as a route, never as a file to run.
    response = client.get("/", extensions={"target": target.encode()})
    assert response.status_code == 404, response.text[:200]
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize(
    "target", ["/cgi/../../etc/passwd", "/cgi/%2e%2e/%2e%2e/bin/sh", "/cgi/hello/..%2f..%2f..%2fetc%2fpasswd"]
)
def test_edge_refuses_paths_that_climb_above_the_root(client, target):
    response = client.get("/", extensions={"target": target.encode()})
    assert response.status_code == 400
    # nginx's own refusal, in the contract's shape (snippets/errors/json-errors.conf).
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"error": "bad request"}


# SIGKILL to the workers of the server that is the container's first process (Gunicorn's master).
KILL_CHILDREN_OF_PID_1 = """
import os, signal
for pid in (int(name) for name in os.listdir("/proc") if name.isdigit()):
    try:
        ppid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
    except OSError:
        continue
    if ppid == 1:
        os.kill(pid, signal.SIGKILL)
"""


def wait_until_served(client: httpx.Client, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while client.get(path).status_code != 200:
        assert time.monotonic() < deadline, f"{path} did not come back within {seconds} s"
        time.sleep(0.5)


def assert_edge_json_error(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text[:200]
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"error": "the backend is unavailable, try again shortly"}


def test_backend_dying_mid_request_gets_the_edge_json_502(client):
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.get, "/django/io?ms=3000")
        time.sleep(1)  # the request is in a worker now
        # Every worker at once, so whichever serves the request dies; the master starts new ones.
        compose("exec", "-T", "django", "python3", "-c", KILL_CHILDREN_OF_PID_1)
        response = pending.result(timeout=10)
    try:
        assert_edge_json_error(response, 502)
    finally:
        wait_until_served(client, "/django/healthz")


def test_backend_not_answering_gets_the_edge_json_504(client):
    compose("pause", "django")
    try:
        started = time.monotonic()
        response = client.get("/django/hello", timeout=60)
        assert_edge_json_error(response, 504)
        assert time.monotonic() - started < 45  # the edge's read timeout (30 s), not the client's
    finally:
        compose("unpause", "django")
        wait_until_served(client, "/django/healthz")
