"""Swagger UI at /fastapi/docs with its assets served from this process.

The default FastAPI docs page loads Swagger UI from a CDN; this deployment has
no internet, so the dist files come from the swagger-ui-bundle-v2 wheel:
https://fastapi.tiangolo.com/how-to/custom-docs-ui-assets/
"""

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "swagger-ui"


async def swagger_ui(request: Request) -> HTMLResponse:
    def asset(name: str) -> str:
        # .path keeps the root_path prefix: /fastapi/static/swagger-ui/<name>
        return request.url_for(ASSETS, path=name).path

    return get_swagger_ui_html(
        openapi_url=request.scope.get("root_path", "") + request.app.openapi_url,
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=asset("swagger-ui-bundle.js"),
        swagger_css_url=asset("swagger-ui.css"),
        swagger_favicon_url=asset("favicon-32x32.png"),
    )


def install_docs(app: FastAPI) -> None:
    """Mount the Swagger UI dist files and the page that uses them."""
    app.mount(f"/static/{ASSETS}", StaticFiles(directory=str(swagger_ui_path)), name=ASSETS)
    app.add_api_route("/docs", swagger_ui, include_in_schema=False)
