"""GET /io?ms=N: I/O simulated by `await asyncio.sleep`, which holds no thread:
the event loop serves other requests meanwhile, so /io throughput is bounded
by the clients waiting, not by a worker or thread count."""

import asyncio

from gateway_asgi import validation
from gateway_asgi.request import Request
from gateway_asgi.responses import Response, json_response


async def wait(request: Request) -> Response:
    ms = validation.io_milliseconds(request.query("ms"))
    await asyncio.sleep(ms / 1000)
    return json_response({"waited_ms": ms})
