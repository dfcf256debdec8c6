"""GET / (an HTML page about this backend) and GET /info (which process answered, and how)."""

import os
import platform
import socket
from html import escape

from gateway_wsgi import settings
from gateway_wsgi.request import Request
from gateway_wsgi.responses import Response, html_response, json_response

INTERFACE = "WSGI"
FRAMEWORK = "none (a plain WSGI callable, PEP 3333)"
# Which replica answered: Docker sets a container's host name to its id. Read once per process.
HOSTNAME = socket.gethostname()
LINKS = (
    ("/hello", "plain text"),
    ("/json", "JSON serialization"),
    ("/db", "one random world row"),
    ("/queries?queries=20", "20 random world rows"),
    ("/fortunes", "fortunes, escaped and sorted"),
    ("/io?ms=100", "100 ms blocking wait"),
    ("/info", "interface, server, host name and pid"),
    ("/messages", "latest messages"),
    ("/healthz", "health"),
)


def server(request: Request) -> str:
    """The server that is running this process, as it names itself in SERVER_SOFTWARE
    (e.g. "gunicorn/23.0.0"), and its worker model as PEP 3333's wsgi.multithread tells."""
    software = request.environ.get("SERVER_SOFTWARE") or "unknown"
    model = "threads" if request.environ.get("wsgi.multithread") else "one request at a time"
    return f"{software} ({model})"


def index(request: Request) -> Response:
    facts = {
        "Interface": INTERFACE,
        "Server": server(request),
        "Framework": FRAMEWORK,
        "Python": platform.python_version(),
        "pid": str(os.getpid()),
    }
    fact_rows = "".join(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>" for name, value in facts.items())
    link_items = "".join(
        f'<li><a href="{escape(request.script_name + path)}">{escape(path)}</a> {escape(label)}</li>'
        for path, label in LINKS
    )
    return html_response(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Gateway Lab: raw WSGI</title></head><body>"
        f"<h1>Gateway Lab: raw WSGI backend</h1><table>{fact_rows}</table>"
        f"<h2>Endpoints</h2><ul>{link_items}</ul></body></html>"
    )


def info(request: Request) -> Response:
    """The pid repeats across requests: Gunicorn workers are persistent processes."""
    return json_response(
        {
            "interface": INTERFACE,
            "server": server(request),
            "framework": FRAMEWORK,
            "hostname": HOSTNAME,
            "pid": os.getpid(),
            "python": platform.python_version(),
            "request": {
                "client": request.client(settings.current().trusted_proxy_cidr),
                # Gunicorn sets wsgi.url_scheme from X-Forwarded-Proto only when
                # the peer is in forwarded_allow_ips (the edge).
                "scheme": request.environ.get("wsgi.url_scheme"),
                "host": request.header("Host"),
            },
        }
    )
