"""GET /io?ms=N: wait N ms without CPU (docs/contract.md).

Sync under WSGI: a blocking sleep holds a Gunicorn thread. Async under ASGI:
`await asyncio.sleep` holds no connection and takes no CPU; the event loop
serves others meanwhile. The request's own thread, which Django's ASGI handler
starts for every request (routes/poll.py says why), sits idle until it ends.
"""

import asyncio
import time

from django.http import HttpRequest, JsonResponse

from gateway_django import validation
from gateway_django.errors import allow, error_response


@allow("GET")
def io_wait(request: HttpRequest) -> JsonResponse:
    try:
        ms = validation.io_milliseconds(request.GET.get("ms"))
    except validation.InvalidInput as exc:
        return error_response(400, str(exc))
    # A blocking sleep holds this Gunicorn thread, as blocking I/O would: the
    # service's /io throughput is bounded by workers x threads / wait time.
    time.sleep(ms / 1000)
    return JsonResponse({"waited_ms": ms})


@allow("GET")
async def async_io_wait(request: HttpRequest) -> JsonResponse:
    try:
        ms = validation.io_milliseconds(request.GET.get("ms"))
    except validation.InvalidInput as exc:
        return error_response(400, str(exc))
    # Suspends this request only: no connection held, no CPU while it waits.
    await asyncio.sleep(ms / 1000)
    return JsonResponse({"waited_ms": ms})
