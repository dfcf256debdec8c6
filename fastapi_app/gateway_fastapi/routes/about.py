"""What this backend is: landing page, the hello text and /info."""

import os
import platform

import fastapi
import uvicorn
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from gateway_fastapi.schemas import Info
from gateway_fastapi.settings import ServerSettings
from gateway_fastapi.templates import templates

router = APIRouter(tags=["about"])

SERVER = f"uvicorn/{uvicorn.__version__}"
FRAMEWORK = f"FastAPI {fastapi.__version__}"


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    """HTML page about this backend, with links that carry the /fastapi prefix."""
    return templates.TemplateResponse(
        request,
        "index.html",
        {"info": _info(), "workers": ServerSettings.from_env().workers},
    )


@router.get("/hello", response_class=PlainTextResponse)
async def hello() -> str:
    return "Hello, ASGI World"


@router.get("/info")
async def info() -> Info:
    """The pid repeats across requests: Uvicorn workers are persistent processes."""
    return _info()


def _info() -> Info:
    return Info(
        interface="ASGI",
        server=SERVER,
        framework=FRAMEWORK,
        pid=os.getpid(),
        python=platform.python_version(),
    )
