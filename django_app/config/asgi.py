"""ASGI entry point Uvicorn loads (`config.asgi:application`, uvicorn_server.py).

Django's ASGI handler serves HTTP only; a WebSocket handshake goes to
gateway_django/routes/realtime.py on the raw ASGI messages instead, and the
lifespan (which Django 5.2 does not speak either) runs this worker's message
feed (gateway_django/broadcast.py: one LISTEN connection per worker) from
start-up to shutdown. Each HTTP request's scope also records the server that
called this application, which /info reports: ASGI has no SERVER_SOFTWARE, so
it is read from the running task.
https://asgi.readthedocs.io/en/latest/specs/lifespan.html
"""

import asyncio
import os
import sys
from typing import Any

from django.core.asgi import get_asgi_application

# The image names config.settings; the django-asgi service (docker-compose.yml) names this one.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_asgi")

django_application = get_asgi_application()

# Imported once Django is set up (get_asgi_application() ran django.setup()).
from django.conf import settings  # noqa: E402
from django.core.signals import request_started  # noqa: E402
from django.db import close_old_connections, reset_queries  # noqa: E402
from gateway_django.broadcast import feed  # noqa: E402
from gateway_django.routes import realtime  # noqa: E402
from gateway_django.routes.about import SERVER_SCOPE_KEY  # noqa: E402

# Django's ASGI handler runs each request's sync code in a thread of the
# request's own (asgiref's ThreadSensitiveContext), started by the first sync
# call and kept until the request ends. These two request_started receivers
# were that first call for every request: in a thread that new they find no
# connection to reset or close, so all they did was start it, and a waiting
# /poll or /events/messages client then held a thread (and a pid: the pids
# limit, 128, failed the 104th waiting poll with "can't start new thread").
# Without them a request starts its thread only where it runs sync code (the
# ORM, and response.close() at its end, whose request_finished still runs
# close_old_connections there: the connection its queries used goes back).
# https://docs.djangoproject.com/en/5.2/topics/async/#async-adapter-functions
request_started.disconnect(reset_queries)
request_started.disconnect(close_old_connections)


def calling_server() -> str:
    """The server running this request, from the running process: the module whose
    coroutine drives the current task (Uvicorn runs each request as a task of its
    protocol module, e.g. uvicorn.protocols.http.httptools_impl), that package's
    version as loaded, and the event loop's implementation."""
    task = asyncio.current_task()
    frame = getattr(task.get_coro(), "cr_frame", None) if task else None
    module = frame.f_globals.get("__name__", "") if frame else ""
    package = module.partition(".")[0]
    loop = type(asyncio.get_running_loop()).__module__.partition(".")[0]
    if not package or package == __name__.partition(".")[0]:
        return f"unknown (event loop: {loop})"
    version = getattr(sys.modules.get(package), "__version__", "unknown")
    return f"{package}/{version} ({module} on {loop})"


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Start the message feed's listener at start-up, stop it (its connection
    closed) at shutdown. Start-up does not wait for the database: the listener
    retries, and /healthz answers 503 until it is back."""
    await receive()  # lifespan.startup
    async with feed.running():
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
    await send({"type": "lifespan.shutdown.complete"})


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await lifespan(scope, receive, send)
        return
    if scope["type"] == "websocket":
        # The paths as the client sends them: nginx keeps the prefix.
        prefix = settings.FORCE_SCRIPT_NAME
        routes = {prefix + realtime.ECHO_PATH: realtime.echo, prefix + realtime.FEED_PATH: realtime.message_feed}
        await routes.get(scope["path"], realtime.not_found)(scope, receive, send)
        return
    await django_application({**scope, SERVER_SCOPE_KEY: calling_server()}, receive, send)
