"""GET /io?ms=N: wait N ms without CPU (docs/contract.md).

Sync under WSGI: a blocking sleep holds a Gunicorn thread. Async under ASGI:
`await asyncio.sleep` holds nothing; the event loop serves others meanwhile.
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
    # Suspends this request only: no thread, no connection held while it waits.
    await asyncio.sleep(ms / 1000)
    return JsonResponse({"waited_ms": ms})
