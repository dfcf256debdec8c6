"""GET /io?ms=N: wait N ms without CPU, as blocking I/O would (docs/contract.md)."""

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
