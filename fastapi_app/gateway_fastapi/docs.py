"""Swagger UI at /fastapi/docs with its assets served from this process.

The default FastAPI docs page loads Swagger UI from a CDN and starts it with an
inline script; this deployment has no internet and its edge sends a strict
Content-Security-Policy (no inline scripts). So the dist files come from the
swagger-ui-bundle-v2 wheel (https://fastapi.tiangolo.com/how-to/custom-docs-ui-assets/)
and the page starts Swagger UI from static/swagger-init.js.
"""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from gateway_fastapi.templates import templates

ASSETS = "swagger-ui"
OWN_STATIC = "docs-static"


async def swagger_ui(request: Request) -> HTMLResponse:
    def asset(name: str) -> str:
        # .path keeps the root_path prefix: /fastapi/static/swagger-ui/<name>
        return request.url_for(ASSETS, path=name).path

    return templates.TemplateResponse(
        request,
        "docs.html",
        {
            "title": f"{request.app.title} - Swagger UI",
            "asset": asset,
            "openapi_url": request.scope.get("root_path", "") + request.app.openapi_url,
            "init_url": request.url_for(OWN_STATIC, path="swagger-init.js").path,
        },
    )


def install_docs(app: FastAPI) -> None:
    """Mount the Swagger UI dist files, its start-up script and the page that uses them."""
    app.mount(f"/static/{ASSETS}", StaticFiles(directory=str(swagger_ui_path)), name=ASSETS)
    app.mount("/static/docs", StaticFiles(directory=Path(__file__).parent / "static"), name=OWN_STATIC)
    app.add_api_route("/docs", swagger_ui, include_in_schema=False)
