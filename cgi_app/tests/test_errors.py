"""The JSON error bodies of docs/contract.md (errors.py, dispatch.py): 404, 405 with Allow, 500."""

import pytest
from cgi_client import run_cgi


@pytest.mark.parametrize("path", ["/nope", "/hello/", "/../gateway.py", "/gateway_cgi/routes/__init__.py"])
def test_unknown_path_is_json_404(path: str) -> None:
    response = run_cgi(path)
    assert response.status == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", "/hello", "GET, HEAD"), ("DELETE", "/messages", "GET, HEAD, POST"), ("PUT", "/", "GET, HEAD"),
     ("PATCH", "/info", "GET, HEAD")],
)  # fmt: skip
def test_wrong_method_is_405_with_allow(method: str, path: str, allow: str) -> None:
    response = run_cgi(path, method=method)
    assert response.status == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"error": "method not allowed"}


def test_unexpected_failure_is_500_without_traceback() -> None:
    response = run_cgi("/db", env_overrides={"POSTGRES_PASSWORD_FILE": "/nonexistent/db_password"})
    assert response.status == 500
    assert response.json() == {"error": "internal server error"}
    assert "Traceback" in response.stderr
    assert "FileNotFoundError" in response.stderr


@pytest.mark.parametrize("name", ["POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER"])
def test_missing_setting_is_500_naming_the_variable(name: str) -> None:
    response = run_cgi("/db", env_overrides={name: ""})
    assert response.status == 500
    assert response.json() == {"error": "internal server error"}
    assert f"environment variable {name} is not set" in response.stderr


@pytest.mark.parametrize("path", ["/ws/echo", "/hello"])
def test_websocket_handshake_is_a_json_400_saying_why(path: str) -> None:
    response = run_cgi(path, env_overrides={"HTTP_UPGRADE": "websocket", "HTTP_CONNECTION": "Upgrade"})
    assert response.status == 400
    assert "WebSocket is not available here" in response.json()["error"]
