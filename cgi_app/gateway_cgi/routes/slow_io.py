"""GET /io: simulated I/O wait; the process sleeps, holding one of fcgiwrap's children."""

import time

from gateway_cgi.errors import bad_request
from gateway_cgi.request import Request
from gateway_cgi.response import Response, json_response
from gateway_cgi.validation import whole_number

MAX_WAIT_MS = 10_000


def wait(request: Request) -> Response:
    ms = whole_number(request.query_param("ms"))
    if ms is None or not 0 <= ms <= MAX_WAIT_MS:
        raise bad_request(f"ms must be an integer from 0 to {MAX_WAIT_MS}")
    time.sleep(ms / 1000)
    return json_response({"waited_ms": ms})
