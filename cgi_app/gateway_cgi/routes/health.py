"""GET /healthz: healthy means this script runs and PostgreSQL answers a query."""

import psycopg

from gateway_cgi.database import DatabaseUnavailable, connect
from gateway_cgi.request import Request
from gateway_cgi.response import Response, json_response


def healthz(request: Request) -> Response:
    try:
        with connect() as connection:
            connection.execute("SELECT 1")
    except (DatabaseUnavailable, psycopg.Error):
        return json_response(
            {"status": "unavailable", "database": "unreachable"},
            503,
        )
    return json_response({"status": "ok", "database": "ok"})
