"""GET /hello and GET /json (routes/greetings.py), and HEAD on them (head.py)."""

from fastapi.testclient import TestClient


def test_hello_is_exact_plain_text(client: TestClient) -> None:
    response = client.get("/fastapi/hello")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "Hello, ASGI World"


def test_json(client: TestClient) -> None:
    response = client.get("/fastapi/json")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, World!"}


def test_head_sends_the_headers_of_get_without_body(client: TestClient) -> None:
    for path in ("/fastapi/hello", "/fastapi/json"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == 200
        assert head.headers == get.headers
        assert head.content == b""
