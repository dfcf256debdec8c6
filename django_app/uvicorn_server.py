"""Uvicorn settings for the same Django project under ASGI (/django-asgi/):
`python uvicorn_server.py`, the django-asgi service's command (docker-compose.yml).

The same server settings as asgi_app and fastapi_app (their serve.py), one
comment each, instead of a long command line. https://www.uvicorn.org/settings/

Sizing (the defaults live in the repository's .env): UVICORN_WORKERS event-loop
processes, one per core; each opens a database pool of at most DB_POOL_MAX
connections (config/settings_asgi.py), so the service opens at most
UVICORN_WORKERS x DB_POOL_MAX, plus one LISTEN connection per worker for its
message feed (gateway_django/broadcast.py; docs/connection-budget.md).
/io?ms=100 and a waiting /poll hold no connection, only their request's idle
thread (Django's handler starts one per request: gateway_django/routes/poll.py),
so the container's pids limit, not a pool, bounds how many wait at once.
"""

import ipaddress
import os

import uvicorn


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"environment variable {name} must be set (its default lives in .env)")
    return value


def required_network(name: str) -> str:
    """A network in CIDR notation, parsed here: Uvicorn would take a malformed one
    for a host name and silently trust nobody."""
    value = required(name)
    try:
        return str(ipaddress.ip_network(value))
    except ValueError as exc:
        raise RuntimeError(f"environment variable {name} must be a network, got {value!r}: {exc}") from None


def main() -> None:
    # The prefix (config/settings_asgi.py reads it too); a start without it would serve nothing.
    required("SCRIPT_NAME")
    uvicorn.run(
        "config.asgi:application",
        # All interfaces of the container; only the compose networks reach it.
        host="0.0.0.0",  # noqa: S104
        port=8000,
        # Persistent processes supervised by Uvicorn (restarted if one dies).
        workers=int(required("UVICORN_WORKERS")),
        # Django 5.2 speaks no ASGI lifespan (its handler refuses any scope but
        # http; its pool opens on the first query); config/asgi.py answers it
        # to run the worker's message feed. "on": a start-up that fails stops
        # the worker instead of serving without its feed.
        lifespan="on",
        # Name the fast implementations explicitly so a missing wheel fails at
        # start instead of silently falling back to the pure-Python ones.
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        # An echo needs no big frames; bounds memory per WebSocket (default 16 MiB).
        ws_max_size=64 * 1024,
        # A held WebSocket's keep-alive, WEBSOCKET_PING_* (.env has the reasons).
        ws_ping_interval=float(required("WEBSOCKET_PING_INTERVAL_S")),
        ws_ping_timeout=float(required("WEBSOCKET_PING_TIMEOUT_S")),
        # No permessage-deflate (Uvicorn's default is on): a zlib compressor and
        # decompressor per held socket, 34 KiB, to shrink frames of a few hundred
        # bytes (fastapi_app/gateway_fastapi/serve.py has the measurement).
        ws_per_message_deflate=False,
        # Longer than nginx's upstream keepalive_timeout (60 s), so nginx always
        # closes an idle keep-alive connection first and never reuses a socket
        # Uvicorn is closing.
        timeout_keep_alive=75,
        # Held connections (.env, "Held connections", has both derivations):
        # beyond limit_concurrency an HTTP request gets Uvicorn's 503 (the edge
        # refuses first, at BACKEND_CONNECTIONS_MAX); backlog is the kernel's
        # queue of connections not yet accepted.
        limit_concurrency=int(required("UVICORN_LIMIT_CONCURRENCY")),
        backlog=int(required("UVICORN_BACKLOG")),
        # Take client address and scheme from X-Forwarded-For/-Proto, and only
        # when the peer is nginx, in TRUSTED_PROXY_CIDR (anyone else's headers are ignored).
        proxy_headers=True,
        forwarded_allow_ips=required_network("TRUSTED_PROXY_CIDR"),
        # nginx adds its own Server header at the edge.
        server_header=False,
        # No line per request: the edge logs every one, with this server's
        # time (docs/conventions.md, "Logs"). Start-up and errors still log.
        access_log=False,
        # On SIGTERM stop accepting, finish in-flight requests, then cut open
        # WebSockets after 8 s: inside `docker stop`'s default 10 s (compose's
        # stop_grace_period is longer still).
        timeout_graceful_shutdown=8,
        # The supervisor restarts a worker that has not answered its ping within
        # this. Uvicorn's default 5 s killed both busy workers at 20,000 held
        # WebSockets on a loaded 2-core host (make bench-conns, 2026-11-26: a
        # broadcast to every one of them, every connection dropped); a hung
        # worker is still replaced within 30 s.
        timeout_worker_healthcheck=30,
    )


if __name__ == "__main__":
    main()
