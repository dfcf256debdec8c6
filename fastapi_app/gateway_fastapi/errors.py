"""Exception handlers: every error leaves as JSON {"error": ...}, never a bare 500."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg import OperationalError
from starlette.exceptions import HTTPException
from starlette.routing import Match

logger = logging.getLogger(__name__)

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    """404, 405 and any HTTPException raised, as {"error": <reason phrase>}."""
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route on this path accepts. Starlette's own Allow
    header names only the first matching route's methods, which for /messages
    (one GET route, one POST route) would wrongly be just "GET"."""
    return [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in request.app.router.routes
        )
    ]


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """400, like the CGI and Django backends, with FastAPI's error list kept
    minus the rejected input, which is not echoed back (it may be large, or a
    lone surrogate that cannot even be encoded as UTF-8)."""
    errors = [{"type": error["type"], "loc": error["loc"], "msg": error["msg"]} for error in exc.errors()]
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"])
    return JSONResponse({"error": f"{where}: {first['msg']}", "detail": errors}, status_code=400)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """Database down or pool exhausted: a retryable 503, not a 500."""
    logger.warning("database unavailable: %s", exc)
    return JSONResponse({"error": "database unavailable"}, status_code=503)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """Last resort, still JSON; Starlette logs the traceback and re-raises."""
    return JSONResponse({"error": "internal server error"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    # Covers psycopg_pool.PoolTimeout, a subclass of OperationalError.
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_exception_handler(Exception, unexpected_error)
