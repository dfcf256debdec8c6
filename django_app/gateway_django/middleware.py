"""Request middleware of the contract: the client address as the edge saw it, and
the WebSocket refusal of the WSGI deployment. Both run sync under Gunicorn and
async under Uvicorn, so neither costs the ASGI deployment a hop to a thread.
https://docs.djangoproject.com/en/5.2/topics/http/middleware/#asynchronous-support
"""

import ipaddress
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from gateway_django.errors import error_response

GetResponse = Callable[[HttpRequest], HttpResponse] | Callable[[HttpRequest], Awaitable[HttpResponse]]

# RFC 6455 section 4.2.2: a server that does not accept a WebSocket handshake
# answers with an HTTP error such as 400 Bad Request.
WEBSOCKET_REFUSED = (
    "WebSocket is not available here: WSGI is one request, one response; "
    "the ASGI backends (/django-asgi/ws/echo, /asgi/ws/echo) speak it"
)


class SyncAndAsyncMiddleware:
    """Django's pattern for a middleware that serves both handlers: `before()`
    may answer the request itself; otherwise the next layer answers."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def before(self, request: HttpRequest) -> HttpResponse | None:
        raise NotImplementedError

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self):
            return self.__acall__(request)
        return self.before(request) or self.get_response(request)  # type: ignore[return-value]

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        return self.before(request) or await self.get_response(request)  # type: ignore[misc]


class EdgeClientAddressMiddleware(SyncAndAsyncMiddleware):
    """Replace REMOTE_ADDR with the address in X-Forwarded-For, when the edge sent it.

    Gunicorn trusts the edge for the scheme (forwarded_allow_ips) but always
    reports the TCP peer as REMOTE_ADDR. nginx replaces any X-Forwarded-For a
    client sent with the address it saw (nginx/snippets/proxy/headers.conf),
    so from a peer in TRUSTED_PROXY_CIDR the last entry is the client. From any other peer the
    header is ignored: anyone can write it. Django has no middleware for this
    on purpose, since whom to trust depends on the deployment. (Under Uvicorn
    the server has already applied it, by the same rule: REMOTE_ADDR is then
    the client, not the edge, and this changes nothing.)
    https://docs.djangoproject.com/en/5.2/ref/request-response/#django.http.HttpRequest.META
    """

    def before(self, request: HttpRequest) -> None:
        forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded_for and from_edge(request.META.get("REMOTE_ADDR", "")):
            request.META["REMOTE_ADDR"] = forwarded_for.rsplit(",", 1)[-1].strip()
        return None


def from_edge(peer: str) -> bool:
    """Whether the TCP peer is in the trusted network; a peer that is no IP address is not."""
    try:
        return ipaddress.ip_address(peer) in settings.TRUSTED_PROXY_CIDR
    except ValueError:
        return False


class WebSocketRefusalMiddleware(SyncAndAsyncMiddleware):
    """A WebSocket handshake gets a JSON 400 saying why, not the 404 of an unknown path.

    Reached under Gunicorn only: under Uvicorn a handshake is a websocket scope,
    which config/asgi.py routes before Django sees it.
    """

    def before(self, request: HttpRequest) -> HttpResponse | None:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return error_response(400, WEBSOCKET_REFUSED)
        return None
