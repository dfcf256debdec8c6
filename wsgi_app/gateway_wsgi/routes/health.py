"""GET /healthz: liveness and readiness in one probe, the process serves and PostgreSQL answers."""

from http import HTTPStatus

import psycopg

from gateway_wsgi import database
from gateway_wsgi.request import Request
from gateway_wsgi.responses import Response, json_response

# Well inside the container HEALTHCHECK's own timeout (5 s), so the probe
# answers 503 itself instead of being killed.
HEALTH_TIMEOUT_S = 2.0


def healthz(request: Request) -> Response:
    try:
        with database.pool().connection(timeout=HEALTH_TIMEOUT_S) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error:  # refused, pool timeout (PoolTimeout), query failure alike
        return json_response({"status": "unavailable", "database": "unreachable"}, HTTPStatus.SERVICE_UNAVAILABLE)
    return json_response({"status": "ok", "database": "ok"})
