"""The request as PEP 3333 hands it over: CGI-style variables in `environ`, the body in wsgi.input."""

import ipaddress
from http import HTTPStatus
from urllib.parse import parse_qs

from gateway_wsgi import errors, settings
from gateway_wsgi.errors import HttpError

Environ = dict[str, object]


class Request:
    __slots__ = ("environ", "method", "path")

    def __init__(self, environ: Environ) -> None:
        self.environ = environ
        self.method = str(environ["REQUEST_METHOD"]).upper()
        # Gunicorn has already moved the /wsgi prefix into SCRIPT_NAME.
        self.path = str(environ.get("PATH_INFO") or "/")

    @property
    def script_name(self) -> str:
        return str(self.environ.get("SCRIPT_NAME", "")).rstrip("/")

    def header(self, name: str) -> str:
        """A request header by its HTTP name, e.g. "X-Forwarded-For" (PEP 3333's HTTP_* keys)."""
        return str(self.environ.get("HTTP_" + name.upper().replace("-", "_"), ""))

    def query(self, name: str) -> str | None:
        values = parse_qs(str(self.environ.get("QUERY_STRING", "")), keep_blank_values=True).get(name)
        return values[0] if values else None

    def is_websocket_upgrade(self) -> bool:
        return self.header("Upgrade").lower() == "websocket"

    def body(self) -> bytes:
        """The whole body, refused (413) above REQUEST_BODY_MAX_BYTES: unread when
        Content-Length says so, else (chunked straight to Gunicorn, which then
        sends no CONTENT_LENGTH) once one byte past the limit has arrived."""
        limit = settings.current().request_body_max_bytes
        stream = self.environ["wsgi.input"]
        raw_length = str(self.environ.get("CONTENT_LENGTH") or "")
        if raw_length:
            if not raw_length.isdigit():
                raise HttpError(HTTPStatus.BAD_REQUEST, "invalid Content-Length")
            if int(raw_length) > limit:
                raise HttpError(HTTPStatus.CONTENT_TOO_LARGE, errors.CONTENT_TOO_LARGE)
            return stream.read(int(raw_length))
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise HttpError(HTTPStatus.CONTENT_TOO_LARGE, errors.CONTENT_TOO_LARGE)
        return data

    def client(self, trusted_proxies: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
        """The client's address: X-Forwarded-For when the peer is the edge (which
        replaces whatever a client sent), else the peer itself. Gunicorn applies
        forwarded_allow_ips to the scheme only, so this is the application's job."""
        peer = str(self.environ.get("REMOTE_ADDR", ""))
        forwarded = self.header("X-Forwarded-For")
        if forwarded and is_in(peer, trusted_proxies):
            return forwarded.rsplit(",", 1)[-1].strip()
        return peer


def is_in(address: str, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """Whether a peer address is in the network; a peer that is no IP address (a UNIX socket) is not."""
    try:
        return ipaddress.ip_address(address) in network
    except ValueError:
        return False
