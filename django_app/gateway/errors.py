"""JSON error views: every error the contract promises is `{"error": "..."}`."""

from django.http import HttpRequest, JsonResponse


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    # Reached for SuspiciousOperation, e.g. a Host header not in ALLOWED_HOSTS.
    return error_response(400, "bad request")


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return error_response(403, "forbidden")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(403, f"CSRF verification failed: {reason}")


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return error_response(404, "not found")


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(500, "internal server error")
