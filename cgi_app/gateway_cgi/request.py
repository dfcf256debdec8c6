"""The request as RFC 3875 hands it over: meta-variables in the environment, the body on stdin.

The `cgi` module is gone since Python 3.13 (PEP 594), so query strings and
bodies are parsed here with urllib.parse and json.

Every request starts a new interpreter, so every import is paid per request:
a plain class rather than a NamedTuple or a dataclass (typing costs about
4 ms, dataclasses about 7 ms), and urllib.parse and json only when a query or
a body is read (response.py says more).
"""

from gateway_cgi.errors import bad_request, content_too_large

TYPE_CHECKING = False  # the typing module costs about 4 ms per request
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import BinaryIO

_CHUNK_BYTES = 64 * 1024


class Request:
    __slots__ = (
        "client",
        "content_length",
        "content_type",
        "host",
        "method",
        "path",
        "query_string",
        "scheme",
        "script_name",
        "sent_path",
        "stdin",
        "upgrade",
    )

    def __init__(
        self,
        *,
        method: str,
        path: str,
        script_name: str,
        sent_path: str,
        query_string: str,
        content_type: str,
        content_length: int,
        stdin: "BinaryIO",
        client: str,
        scheme: str,
        host: str,
        upgrade: str = "",
    ) -> None:
        self.method = method
        self.path = path
        self.script_name = script_name
        # The path of the request line as the client sent it (REQUEST_URI),
        # still percent-encoded; PATH_INFO is what nginx made of it.
        self.sent_path = sent_path
        self.query_string = query_string
        self.content_type = content_type
        self.content_length = content_length
        self.stdin = stdin
        # As nginx passes them (nginx/snippets/fastcgi/params.conf): the peer's
        # address, HTTPS=on at the edge, and a Host header nginx wrote itself.
        self.client = client
        self.scheme = scheme
        self.host = host
        # The protocol a client asked to switch to (Upgrade header), lowercased; "" for none.
        self.upgrade = upgrade

    @classmethod
    def from_cgi(cls, environ: "Mapping[str, str]", stdin: "BinaryIO") -> "Request":
        raw_length = environ.get("CONTENT_LENGTH", "").strip()
        if raw_length and not raw_length.isdigit():
            raise bad_request("Content-Length is not a number")
        return cls(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=environ.get("PATH_INFO") or "/",
            script_name=environ.get("SCRIPT_NAME", "").rstrip("/"),
            sent_path=environ.get("REQUEST_URI", "").partition("?")[0],
            query_string=environ.get("QUERY_STRING", ""),
            content_type=environ.get("CONTENT_TYPE", ""),
            content_length=int(raw_length or 0),
            stdin=stdin,
            client=environ.get("REMOTE_ADDR", ""),
            scheme="https" if environ.get("HTTPS", "").lower() in ("on", "1") else "http",
            host=environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
            upgrade=environ.get("HTTP_UPGRADE", "").lower(),
        )

    def query_param(self, name: str) -> str | None:
        from urllib.parse import parse_qs  # here: only requests that read a query pay for it

        values = parse_qs(self.query_string, keep_blank_values=True).get(name)
        return values[0] if values else None

    def json_body(self) -> object:
        """The body parsed as JSON, after checking its media type and its size.

        The size is CONTENT_LENGTH, checked before a byte is read: nginx buffers
        every body and sends its length (a chunked request included), and
        nothing but nginx reaches fcgiwrap.
        """
        # Imported here, as json is below: only requests with a body pay for them.
        from gateway_cgi.settings import request_body_max_bytes

        media_type = self.content_type.partition(";")[0].strip().lower()
        if media_type != "application/json":
            raise bad_request("Content-Type must be application/json")
        if self.content_length > request_body_max_bytes():
            raise content_too_large()
        import json

        raw = self.stdin.read(self.content_length)
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise bad_request("body is not valid UTF-8 JSON") from None

    def discard_unread_body(self) -> None:
        """Read what is left of the body, without keeping it.

        fcgiwrap writes the whole body into our stdin pipe before it reads any
        reply; a script that exits with the body unread breaks that write and
        fcgiwrap answers 502 instead of our response.
        """
        remaining = self.content_length
        while remaining > 0:
            chunk = self.stdin.read(min(remaining, _CHUNK_BYTES))
            if not chunk:
                return
            remaining -= len(chunk)
