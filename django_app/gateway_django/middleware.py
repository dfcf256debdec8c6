"""The client's address as the edge saw it, trusted from the edge only."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class EdgeClientAddressMiddleware:
    """Replace REMOTE_ADDR with the address in X-Forwarded-For, when the edge sent it.

    Gunicorn trusts the edge for the scheme (forwarded_allow_ips) but always
    reports the TCP peer as REMOTE_ADDR. nginx replaces any X-Forwarded-For a
    client sent with the address it saw (nginx/snippets/proxy/headers.conf),
    so from a peer in TRUSTED_PROXY_CIDR the last entry is the client. From any other peer the
    header is ignored: anyone can write it. Django has no middleware for this
    on purpose, since whom to trust depends on the deployment.
    https://docs.djangoproject.com/en/5.2/ref/request-response/#django.http.HttpRequest.META
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.edge = settings.TRUSTED_PROXY_CIDR

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded_for and self.from_edge(request.META.get("REMOTE_ADDR", "")):
            request.META["REMOTE_ADDR"] = forwarded_for.rsplit(",", 1)[-1].strip()
        return self.get_response(request)

    def from_edge(self, peer: str) -> bool:
        """Whether the TCP peer is in the trusted network; a peer that is no IP address is not."""
        try:
            return ipaddress.ip_address(peer) in self.edge
        except ValueError:
            return False
