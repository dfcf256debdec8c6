"""GET /io?ms=N: blocking I/O, simulated by a sleep that holds this Gunicorn thread.

The service's /io throughput is therefore bounded by
GUNICORN_WORKERS x GUNICORN_THREADS / wait time (gunicorn.conf.py).
"""

import time

from gateway_wsgi import validation
from gateway_wsgi.request import Request
from gateway_wsgi.responses import Response, json_response


def wait(request: Request) -> Response:
    ms = validation.io_milliseconds(request.query("ms"))
    time.sleep(ms / 1000)
    return json_response({"waited_ms": ms})
