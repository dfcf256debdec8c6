"""Routes match their path exactly (exact_paths.py, redirect_slashes=False): docs/contract.md, "Routing"."""

import pytest
from fastapi.testclient import TestClient

CONTRACT_PATHS = ["/", "/hello", "/json", "/db", "/queries", "/fortunes", "/io", "/info", "/messages", "/healthz"]


@pytest.mark.parametrize("path", CONTRACT_PATHS)
@pytest.mark.parametrize("suffix", ["%0A", "%0D", "%09", "%7F", "%0D%0A", "/"])
def test_contract_path_with_anything_after_it_is_404_json(client: TestClient, path: str, suffix: str) -> None:
    response = client.get(f"/fastapi{path}{suffix}", follow_redirects=False)
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize(
    "path",
    [
        *("/he%0Allo", "/hello%0Ax", "/%0Ahello", "/hel%7Flo"),
        *("/docs%0A", "/openapi.json%0A", "/static/docs/swagger-init.js%0A"),  # FastAPI's own routes, a mount
    ],
)
def test_a_control_character_anywhere_in_the_path_is_404_json(client: TestClient, path: str) -> None:
    response = client.get(f"/fastapi{path}", follow_redirects=False)
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}
