"""JSON errors: every error body is exactly {"error": "<one sentence>"} (docs/contract.md)."""

import functools
from collections.abc import Callable

from asgiref.sync import iscoroutinefunction
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

View = Callable[..., HttpResponse]


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def allow(*methods: str) -> Callable[[View], View]:
    """Mark a contract endpoint: GET implies HEAD; other methods get a JSON 405 with Allow.

    Like Django's require_http_methods, but the 405 body is JSON like every
    other error, and the view is csrf_exempt: the contract endpoints are an
    API that reads no session or auth cookie, so there is nothing for CSRF to
    protect, and exempting them lets DELETE /hello get its 405 instead of a
    CSRF 403. The admin keeps Django's CSRF protection. HEAD runs the GET view;
    the server sends its headers without the body (RFC 9110, section 9.3.2).
    An `async def` view stays a coroutine function, so Django's ASGI handler
    awaits it on the event loop instead of running it in a thread.
    """
    allowed = (*methods, "HEAD") if "GET" in methods else methods
    allow_header = ", ".join(sorted(allowed))

    def not_allowed() -> HttpResponse:
        response = error_response(405, "method not allowed")
        response["Allow"] = allow_header
        return response

    def decorator(view: View) -> View:
        if iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
                if request.method not in allowed:
                    return not_allowed()
                return await view(request, *args, **kwargs)

            return csrf_exempt(async_wrapper)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.method not in allowed:
                return not_allowed()
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorator


# Django's error views, named in config/urls.py (handler400 ...) and settings.py (CSRF_FAILURE_VIEW).
# https://docs.djangoproject.com/en/5.2/topics/http/views/#customizing-error-views


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    # Reached for SuspiciousOperation, e.g. a Host header not in ALLOWED_HOSTS,
    # and for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (REQUEST_BODY_MAX_BYTES),
    # which is the edge's 413 with its sentence (nginx/snippets/errors/json-errors.conf).
    if isinstance(exception, RequestDataTooBig):
        return error_response(413, "request body too large")
    return error_response(400, "bad request")


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return error_response(403, "forbidden")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(403, f"CSRF verification failed: {reason}")


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return error_response(404, "not found")


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(500, "internal server error")
