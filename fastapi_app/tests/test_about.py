"""GET / and GET /info (routes/about.py) in-process; test_uvicorn.py checks them under real Uvicorn."""

import os
import socket
from importlib.metadata import version

from fastapi.testclient import TestClient


def test_info_names_interface_framework_and_this_process(client: TestClient) -> None:
    info = client.get("/fastapi/info").json()
    assert set(info) == {"interface", "server", "framework", "hostname", "pid", "python", "request"}
    assert info["interface"] == "ASGI"
    assert info["framework"] == f"FastAPI {version('fastapi')}"
    assert info["hostname"] == socket.gethostname()
    assert info["pid"] == os.getpid()
    assert client.get("/fastapi/info").json()["pid"] == info["pid"]


def test_info_server_is_whatever_calls_the_app(client: TestClient) -> None:
    # In-process, Starlette's TestClient calls the app: no Uvicorn runs here.
    assert client.get("/fastapi/info").json()["server"] == f"starlette/{version('starlette')}"


def test_info_request_is_the_request_as_the_app_sees_it(client: TestClient) -> None:
    # The TestClient's peer is no edge proxy: its forwarding headers stay unapplied.
    spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    info = client.get("/fastapi/info", headers={"Host": "example.test:8443", **spoofed}).json()
    assert info["request"] == {"client": "testclient", "scheme": "http", "host": "example.test:8443"}


def test_index_page_links_carry_the_prefix(client: TestClient) -> None:
    response = client.get("/fastapi/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "ASGI" in response.text
    assert f"starlette/{version('starlette')}" in response.text
    assert 'href="/fastapi/hello"' in response.text
    assert 'href="/fastapi/docs"' in response.text
    assert "<code>/fastapi/ws/echo</code>" in response.text


def test_prefix_without_slash_redirects_to_index(client: TestClient) -> None:
    response = client.get("/fastapi", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].endswith("/fastapi/")
