"""GET / and GET /info: which interface, server and process answered; the pid differs on every request."""

import os
import platform
import socket
from html import escape
from pathlib import Path

from gateway_cgi.request import Request
from gateway_cgi.response import Response, html_response, json_response

INTERFACE = "CGI"
FRAMEWORK = "Python standard library"
# Which replica answered: Docker sets a container's host name to its id. Read once per process.
HOSTNAME = socket.gethostname()
WORKER_MODEL = "fcgiwrap forks and executes one Python process per request; FCGI_CHILDREN bounds how many run at once"
# "<package> <version>" of the CGI gateway installed in the image, written at build time.
GATEWAY_RELEASE_FILE = Path("/etc/gateway-cgi/server-release")
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


def server() -> str:
    """The program that spawned this process, read from /proc: fcgiwrap, with its
    Debian release, when fcgiwrap runs us; whatever else did otherwise."""
    parent = Path(f"/proc/{os.getppid()}/comm").read_text().strip()
    release = GATEWAY_RELEASE_FILE.read_text().strip() if GATEWAY_RELEASE_FILE.exists() else ""
    return release if release.partition(" ")[0] == parent else parent


def process_info(request: Request) -> Response:
    return json_response(
        {
            "interface": INTERFACE,
            "server": server(),
            "framework": FRAMEWORK,
            "hostname": HOSTNAME,
            "pid": os.getpid(),
            "python": platform.python_version(),
            "request": {"client": request.client, "scheme": request.scheme, "host": request.host},
        }
    )


def backend_page(request: Request) -> Response:
    """The HTML page about this backend; links carry SCRIPT_NAME so they work behind the edge."""
    facts = {
        "Interface": INTERFACE,
        "Server": server(),
        "Framework": FRAMEWORK,
        "Worker model": WORKER_MODEL,
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
        "<title>Gateway Lab: CGI</title></head><body>"
        f"<h1>Gateway Lab: CGI backend</h1><table>{fact_rows}</table>"
        f"<h2>Endpoints</h2><ul>{link_items}</ul></body></html>"
    )
