"""GET /healthz: liveness plus readiness in one probe; the process serves and the database answers."""

import asyncio

import psycopg
from fastapi import APIRouter, Response, status

from gateway_fastapi.database import Pool
from gateway_fastapi.schemas import Health

router = APIRouter(tags=["health"])

# Well inside the container HEALTHCHECK's own timeout, so the probe answers
# 503 itself instead of being killed.
HEALTH_TIMEOUT_S = 2.0


@router.get(
    "/healthz",
    responses={status.HTTP_503_SERVICE_UNAVAILABLE: {"model": Health}},
)
async def healthz(pool: Pool, response: Response) -> Health:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_S), pool.connection() as connection:
            await connection.execute("SELECT 1")
    except (psycopg.Error, TimeoutError):
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="unavailable", database="unreachable")
    return Health(status="ok", database="ok")
