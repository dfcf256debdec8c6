"""TLS contexts that trust only the stack's CA (never verification off)."""

import ssl

import gevent.ssl

from scenarios import settings


def edge_ssl_context(**_: object) -> ssl.SSLContext:
    """SSL context factory for FastHttpUser: verify the edge against the CA.

    geventhttpclient may pass ``cafile=``; the CA file here always wins.
    """
    return gevent.ssl.create_default_context(cafile=settings.CA_FILE)


def websocket_sslopt() -> dict[str, object]:
    """websocket-client's TLS options: verify the peer and its name."""
    return {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": settings.CA_FILE}
