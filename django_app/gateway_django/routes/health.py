"""GET /healthz: the process answers and so does PostgreSQL (docs/contract.md)."""

from django.db import Error, connection
from django.http import HttpRequest, JsonResponse

from gateway_django.errors import allow


@allow("GET")
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Error:  # connection refused, pool timeout, query failure alike
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
