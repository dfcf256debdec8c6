import os

from fastapi.testclient import TestClient


def test_hello_is_exact_plain_text(client: TestClient) -> None:
    response = client.get("/fastapi/hello")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "Hello, ASGI World"


def test_json(client: TestClient) -> None:
    response = client.get("/fastapi/json")
    assert response.json() == {"message": "Hello, World!"}


def test_info_names_interface_server_and_this_process(client: TestClient) -> None:
    info = client.get("/fastapi/info").json()
    assert set(info) == {"interface", "server", "framework", "pid", "python"}
    assert info["interface"] == "ASGI"
    assert info["server"].startswith("uvicorn/")
    assert info["framework"].startswith("FastAPI ")
    assert info["pid"] == os.getpid()
    assert client.get("/fastapi/info").json()["pid"] == info["pid"]


def test_index_page_links_carry_the_prefix(client: TestClient) -> None:
    response = client.get("/fastapi/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "ASGI" in response.text
    assert 'href="/fastapi/hello"' in response.text
    assert 'href="/fastapi/docs"' in response.text
    assert "<code>/fastapi/ws/echo</code>" in response.text


def test_prefix_without_slash_redirects_to_index(client: TestClient) -> None:
    response = client.get("/fastapi", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].endswith("/fastapi/")


def test_unknown_path_is_404_json(client: TestClient) -> None:
    response = client.get("/fastapi/nope")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


def test_path_outside_prefix_is_404_json(client: TestClient) -> None:
    response = client.get("/hello")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.delete("/fastapi/hello")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json() == {"error": "Method Not Allowed"}

    response = client.put("/fastapi/messages", json={})
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}
