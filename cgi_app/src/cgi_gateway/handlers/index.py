"""The HTML page about this backend; links carry SCRIPT_NAME so they work behind the edge."""

import os
import platform
from html import escape

from cgi_gateway.request import Request
from cgi_gateway.response import Response, html_response
from cgi_gateway.server import FRAMEWORK, INTERFACE, WORKER_MODEL, server_release

LINKS = (
    ("/hello", "plain text"),
    ("/json", "JSON serialization"),
    ("/db", "one random world row"),
    ("/queries?queries=20", "20 random world rows"),
    ("/fortunes", "fortunes, escaped and sorted"),
    ("/io?ms=100", "100 ms blocking wait"),
    ("/info", "interface, server and pid"),
    ("/messages", "latest messages"),
    ("/healthz", "health"),
)


def backend_page(request: Request) -> Response:
    facts = {
        "Interface": INTERFACE,
        "Server": server_release(),
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
