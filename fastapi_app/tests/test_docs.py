import re

from fastapi.testclient import TestClient


def test_docs_page_uses_only_local_assets_under_the_prefix(client: TestClient) -> None:
    response = client.get("/fastapi/docs")
    assert response.status_code == 200
    page = response.text
    assert "http://" not in page
    assert "https://" not in page
    assert 'data-openapi-url="/fastapi/openapi.json"' in page
    assert re.search(r"<script>", page) is None  # no inline script: the edge's CSP forbids it
    assets = re.findall(r'(?:href|src)="([^"]+)"', page)
    assert sorted(assets) == [
        "/fastapi/static/docs/swagger-init.js",
        "/fastapi/static/swagger-ui/favicon-32x32.png",
        "/fastapi/static/swagger-ui/swagger-ui-bundle.js",
        "/fastapi/static/swagger-ui/swagger-ui.css",
    ]
    for asset in assets:
        assert client.get(asset).status_code == 200


def test_swagger_ui_is_version_5_for_openapi_3_1(client: TestClient) -> None:
    bundle = client.get("/fastapi/static/swagger-ui/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert client.get("/fastapi/openapi.json").json()["openapi"].startswith("3.1")


def test_openapi_schema_names_the_prefix_and_every_route(client: TestClient) -> None:
    schema = client.get("/fastapi/openapi.json").json()
    assert schema["servers"] == [{"url": "/fastapi"}]
    assert {"/", "/hello", "/json", "/db", "/queries", "/fortunes", "/io", "/info", "/messages", "/healthz",
            "/events", "/events/messages", "/poll"} == set(schema["paths"])  # fmt: skip
