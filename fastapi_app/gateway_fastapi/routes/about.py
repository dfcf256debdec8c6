"""GET / and GET /info: what this backend is, which server and process answered, and the request it saw."""

import os
import platform
import socket

import fastapi
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gateway_fastapi.schemas import Info, RequestSeen
from gateway_fastapi.templates import templates

router = APIRouter(tags=["about"])

INTERFACE = "ASGI"
FRAMEWORK = f"FastAPI {fastapi.__version__}"
# Which replica answered: Docker sets a container's host name to its id. Read once per process.
HOSTNAME = socket.gethostname()


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    """HTML page about this backend, with links that carry the /fastapi prefix."""
    return templates.TemplateResponse(request, "index.html", {"info": _info(request)})


@router.get("/info")
async def info(request: Request) -> Info:
    """The pid repeats across requests: Uvicorn workers are persistent processes.
    `request` is what the app sees after Uvicorn applied the forwarding headers,
    which it does only for a peer in TRUSTED_PROXY_CIDR (serve.py)."""
    return _info(request)


def _info(request: Request) -> Info:
    return Info(
        interface=INTERFACE,
        # Found at start-up by asgi_server.calling_server, kept in the lifespan state.
        server=request.state.server,
        framework=FRAMEWORK,
        hostname=HOSTNAME,
        pid=os.getpid(),
        python=platform.python_version(),
        request=RequestSeen(
            client=request.client.host if request.client else "",
            scheme=request.url.scheme,
            host=request.headers.get("host", ""),
        ),
    )
