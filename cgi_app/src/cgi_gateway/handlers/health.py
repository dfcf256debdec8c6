"""Healthy means this script runs and PostgreSQL answers a query."""

from http import HTTPStatus

import psycopg

from cgi_gateway.database import DatabaseUnavailable, connect
from cgi_gateway.request import Request
from cgi_gateway.response import Response, json_response


def healthz(request: Request) -> Response:
    try:
        with connect() as connection:
            connection.execute("SELECT 1")
    except (DatabaseUnavailable, psycopg.Error):
        return json_response(
            {"status": "unavailable", "database": "unreachable"},
            HTTPStatus.SERVICE_UNAVAILABLE,
        )
    return json_response({"status": "ok", "database": "ok"})
