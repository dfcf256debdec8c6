"""GET / (an HTML page about this backend) and GET /info (which process answered, and how)."""

import asyncio
import os
import platform
import socket
import sys
from html import escape

from gateway_asgi.request import Request
from gateway_asgi.responses import Response, html_response, json_response

INTERFACE = "ASGI"
FRAMEWORK = "none (a plain ASGI callable)"
# Which replica answered: Docker sets a container's host name to its id. Read once per process.
HOSTNAME = socket.gethostname()
LINKS = (
    ("/hello", "plain text"),
    ("/json", "JSON serialization"),
    ("/db", "one random world row"),
    ("/queries?queries=20", "20 random world rows"),
    ("/fortunes", "fortunes, escaped and sorted"),
    ("/io?ms=100", "100 ms wait without holding the event loop"),
    ("/info", "interface, server, host name and pid"),
    ("/messages", "latest messages"),
    ("/healthz", "health"),
    ("/events?n=5&interval_ms=1000", "server-sent events"),
)


def server() -> str:
    """The server running this request, read from the running process: the module
    whose coroutine drives the current task (Uvicorn runs each request as a task
    of its protocol module, e.g. uvicorn.protocols.http.httptools_impl), that
    package's version as loaded, and the event loop's implementation."""
    task = asyncio.current_task()
    frame = getattr(task.get_coro(), "cr_frame", None) if task else None
    module = frame.f_globals.get("__name__", "") if frame else ""
    package = module.partition(".")[0]
    loop = type(asyncio.get_running_loop()).__module__.partition(".")[0]
    if not package or package == __name__.partition(".")[0]:
        return f"unknown (event loop: {loop})"
    version = getattr(sys.modules.get(package), "__version__", "unknown")
    return f"{package}/{version} ({module} on {loop})"


async def index(request: Request) -> Response:
    facts = {
        "Interface": INTERFACE,
        "Server": server(),
        "Framework": FRAMEWORK,
        "Python": platform.python_version(),
        "pid": str(os.getpid()),
    }
    fact_rows = "".join(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>" for name, value in facts.items())
    prefix = request.settings.root_path
    link_items = "".join(
        f'<li><a href="{escape(prefix + path)}">{escape(path)}</a> {escape(label)}</li>' for path, label in LINKS
    )
    return html_response(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Gateway Lab: raw ASGI</title></head><body>"
        f"<h1>Gateway Lab: raw ASGI backend</h1><table>{fact_rows}</table>"
        f"<h2>Endpoints</h2><ul>{link_items}</ul>"
        f"<p>WebSockets: <code>{escape(prefix)}/ws/echo</code> (echo), <code>{escape(prefix)}/ws/messages</code>"
        " (each stored message, live)</p></body></html>"
    )


async def info(request: Request) -> Response:
    """The pid repeats across requests: Uvicorn workers are persistent processes."""
    client = request.scope.get("client")
    return json_response(
        {
            "interface": INTERFACE,
            "server": server(),
            "framework": FRAMEWORK,
            "hostname": HOSTNAME,
            "pid": os.getpid(),
            "python": platform.python_version(),
            # Uvicorn has applied X-Forwarded-For/-Proto to client and scheme,
            # and only because the peer was the edge (serve.py).
            "request": {
                "client": client[0] if client else None,
                "scheme": request.scope["scheme"],
                "host": request.header("Host"),
            },
        }
    )
