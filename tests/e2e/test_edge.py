"""The edge itself: TLS, HTTP/2, redirects, security headers, static files, limits."""

import socket
import ssl

import httpx
import pytest

from tests.conftest import HTTPS_PORT


def handshake(ctx: ssl.SSLContext, server_name: str = "localhost") -> str:
    raw = socket.create_connection(("127.0.0.1", HTTPS_PORT), timeout=5)
    with raw, ctx.wrap_socket(raw, server_hostname=server_name) as tls:
        return tls.version() or ""


def test_certificate_verifies_against_the_stack_ca_for_localhost_and_ip(ssl_context):
    assert handshake(ssl_context, "localhost") in {"TLSv1.2", "TLSv1.3"}
    assert handshake(ssl_context, "127.0.0.1") in {"TLSv1.2", "TLSv1.3"}


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
    with pytest.raises(ssl.SSLError):
        handshake(ctx)


def test_http2_is_negotiated(client):
    response = client.get("/")
    assert response.http_version == "HTTP/2"


def test_http_redirects_to_https_with_308_keeping_path_and_query(http_url):
    response = httpx.post(f"{http_url}/django/hello?x=1", headers={"Host": "localhost:8080"})
    assert response.status_code == 308
    assert response.headers["location"] == f"https://localhost:{HTTPS_PORT}/django/hello?x=1"


def test_hsts_and_security_headers_on_every_response(client):
    for path in ("/", "/static/landing/style.css", "/does-not-exist", "/cgi/hello"):
        headers = client.get(path).headers
        assert headers["strict-transport-security"] == "max-age=63072000", path
        assert headers["x-content-type-options"] == "nosniff", path


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


def test_unknown_host_gets_421_json_and_reaches_no_backend(client):
    response = client.get("/django/hello", headers={"Host": "evil.example"})
    assert response.status_code == 421
    assert "error" in response.json()


def test_body_over_the_edge_limit_gets_413_json(client):
    response = client.post(
        "/fastapi/messages",
        content=b"{" + b" " * 20_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "error" in response.json()


def test_cgi_executes_no_file_named_by_the_request(client):
    for path in ("/cgi/../etc/passwd", "/cgi/gateway.py", "/cgi/%2e%2e/%2e%2e/bin/sh"):
        response = client.get(path)
        assert response.status_code in {400, 404}, path
        assert "root:" not in response.text
