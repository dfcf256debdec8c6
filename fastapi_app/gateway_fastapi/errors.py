"""The JSON error bodies of docs/contract.md: {"error": "<one sentence>"}, never 422, never a bare 500."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg import OperationalError
from starlette.exceptions import HTTPException
from starlette.routing import Match

logger = logging.getLogger(__name__)

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# The contract's sentences; any other HTTPException keeps the detail it was raised with.
# 413: a body over REQUEST_BODY_MAX_BYTES (body_limit.py), the edge's own sentence.
SENTENCES = {404: "not found", 405: "method not allowed", 413: "request body too large"}


def error_response(status_code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code, headers=headers)


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    """404, 405 (with Allow) and any HTTPException raised."""
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
    return error_response(exc.status_code, SENTENCES.get(exc.status_code, exc.detail), headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route on this path accepts, HEAD wherever GET is
    (head.HeadAsGet). Starlette's own Allow header names only the first
    matching route's methods, which for /messages (one GET route, one POST
    route) would wrongly be just "GET"."""
    allowed = {
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in request.app.router.routes
        )
    }
    if "GET" in allowed:
        allowed.add("HEAD")
    return [method for method in HTTP_METHODS if method in allowed]


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """400, like the CGI and Django backends, naming the first rule broken.
    The rejected input is not echoed back (it may be large, or a lone
    surrogate that cannot even be encoded as UTF-8)."""
    first = exc.errors()[0]
    source, *names = first["loc"]
    # loc is ("query", "ms"), ("body", "author"), or ("body", <offset>) for bad JSON.
    where = ".".join(str(name) for name in names if isinstance(name, str)) or source
    return error_response(400, f"{where}: {first['msg']}")


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """Database down or pool exhausted: a retryable 503, not a 500."""
    logger.warning("database unavailable: %s", exc)
    return error_response(503, "database unavailable")


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """Last resort, still JSON; Starlette logs the traceback and re-raises."""
    return error_response(500, "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    # Covers psycopg_pool.PoolTimeout, a subclass of OperationalError.
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_exception_handler(Exception, unexpected_error)
