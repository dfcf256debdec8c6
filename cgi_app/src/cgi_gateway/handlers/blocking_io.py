"""Simulated I/O wait: the process sleeps, holding one of fcgiwrap's children."""

import time
from http import HTTPStatus

from cgi_gateway.request import Request
from cgi_gateway.response import HttpError, Response, json_response

MAX_WAIT_MS = 10_000


def wait(request: Request) -> Response:
    ms = request.query_int("ms")
    if ms is None or not 0 <= ms <= MAX_WAIT_MS:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"ms must be an integer from 0 to {MAX_WAIT_MS}")
    time.sleep(ms / 1000)
    return json_response({"waited_ms": ms})
