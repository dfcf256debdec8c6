"""GET /healthz: liveness and readiness in one probe, the process serves and PostgreSQL answers."""

import asyncio
from http import HTTPStatus

import psycopg

from gateway_asgi.request import Request
from gateway_asgi.responses import Response, json_response

# Well inside the container HEALTHCHECK's own timeout (5 s), so the probe
# answers 503 itself instead of being killed.
HEALTH_TIMEOUT_S = 2.0


async def healthz(request: Request) -> Response:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_S), request.pool.connection() as connection:
            await connection.execute("SELECT 1")
    except (psycopg.Error, TimeoutError):
        return json_response({"status": "unavailable", "database": "unreachable"}, HTTPStatus.SERVICE_UNAVAILABLE)
    return json_response({"status": "ok", "database": "ok"})
