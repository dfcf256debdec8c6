"""The JSON error bodies of docs/contract.md (errors.py, prefix.py): 404, 405 with Allow, 400 never 422."""

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("path", ["/fastapi/nope", "/fastapi/hello/x", "/hello", "/fastapix/hello"])
def test_unknown_path_is_404_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("DELETE", "/fastapi/hello", "GET, HEAD"), ("POST", "/fastapi/info", "GET, HEAD"),
     ("PUT", "/fastapi/messages", "GET, HEAD, POST"), ("PATCH", "/fastapi/healthz", "GET, HEAD")],
)  # fmt: skip
def test_wrong_method_is_405_with_allow(client: TestClient, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"error": "method not allowed"}


@pytest.mark.parametrize(
    ("path", "error"),
    [("/fastapi/io?ms=x", "ms: must be a whole number written in digits"),
     ("/fastapi/io?ms=10001", "ms: Input should be less than or equal to 10000"),
     ("/fastapi/io", "ms: Field required")],
)  # fmt: skip
def test_validation_failure_is_400_with_one_sentence(client: TestClient, path: str, error: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_openapi_schema_documents_400_not_422(client: TestClient) -> None:
    schema = client.get("/fastapi/openapi.json").json()
    io_responses = schema["paths"]["/io"]["get"]["responses"]
    assert "422" not in io_responses
    assert io_responses["4XX"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(schema["components"]["schemas"]["ErrorBody"]["properties"]) == {"error"}


@pytest.mark.parametrize(
    ("body", "error"),
    [({"author": "a", "text": "x\u0000y"}, "text: must not contain NUL characters"),
     ({"author": "", "text": "x"}, "author: String should have at least 1 character"),
     ({"author": "a"}, "text: Field required")],
)  # fmt: skip
def test_bad_message_is_400_naming_the_field(client: TestClient, body: dict, error: str) -> None:
    response = client.post("/fastapi/messages", json=body)
    assert response.status_code == 400
    assert response.json() == {"error": error}
