"""Run the gateway the two ways it is run in production: as a CGI program, and behind fcgiwrap."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

GATEWAY = Path(os.environ.get("CGI_GATEWAY", "/srv/cgi_app/gateway.py"))
FLOOR = GATEWAY.with_name("floor.py")
CGI_FCGI = shutil.which("cgi-fcgi") or "cgi-fcgi"


@dataclass(frozen=True)
class CgiResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    stderr: str

    def json(self) -> object:
        assert self.headers["content-type"] == "application/json", self.headers
        return json.loads(self.body)


def request_meta_variables(
    path: str,
    *,
    method: str = "GET",
    query: str = "",
    body: bytes = b"",
    content_type: str = "",
    script_name: str = "/cgi",
    request_uri: str | None = None,
    script: Path = GATEWAY,
) -> dict[str, str]:
    """The FastCGI parameters nginx sends for one request (nginx/snippets/fastcgi/params.conf).

    REQUEST_URI defaults to what a client sends for this PATH_INFO: the path
    percent-encoded, then the query.
    """
    if request_uri is None:
        request_uri = quote(script_name + path) + (f"?{query}" if query else "")
    return {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8443",
        "HTTPS": "on",
        "REMOTE_ADDR": "172.30.80.10",
        "REQUEST_METHOD": method,
        "SCRIPT_FILENAME": str(script),
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path,
        "REQUEST_URI": request_uri,
        "QUERY_STRING": query,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "HTTP_HOST": "localhost:8443",
    }


def run_cgi(
    path: str,
    *,
    env_overrides: dict[str, str] | None = None,
    body: bytes = b"",
    script: Path = GATEWAY,
    **meta: str,
) -> CgiResponse:
    """Execute the script (gateway.py) as fcgiwrap does: the container environment plus the request's variables."""
    env = {**os.environ, **request_meta_variables(path, body=body, script=script, **meta), **(env_overrides or {})}
    completed = subprocess.run([script], input=body, env=env, capture_output=True, timeout=30, check=True)
    return parse_cgi_output(completed.stdout, completed.stderr.decode())


def run_fastcgi(
    address: str,
    path: str,
    *,
    body: bytes = b"",
    param_overrides: dict[str, str] | None = None,
    script: Path = GATEWAY,
    **meta: str,
) -> CgiResponse:
    """One FastCGI request to a running fcgiwrap through cgi-fcgi, with nginx's parameters only."""
    env = {**request_meta_variables(path, body=body, script=script, **meta), **(param_overrides or {})}
    completed = subprocess.run(
        [CGI_FCGI, "-bind", "-connect", address], input=body, env=env, capture_output=True, timeout=30, check=True
    )
    return parse_cgi_output(completed.stdout, completed.stderr.decode())


def parse_cgi_output(output: bytes, stderr: str) -> CgiResponse:
    head, separator, body = output.partition(b"\r\n\r\n")
    assert separator, f"no end of headers in {output!r}; stderr: {stderr}"
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(headers.pop("status").split()[0])
    return CgiResponse(status, headers, body, stderr)
