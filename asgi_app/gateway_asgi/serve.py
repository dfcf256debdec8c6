"""Container entry point: `python -m gateway_asgi.serve` runs Uvicorn.

Every setting is here, one comment each, instead of a long command line.
Uvicorn's settings: https://www.uvicorn.org/settings/
"""

import uvicorn

from gateway_asgi.settings import ServerSettings, WebSocketSettings


def main() -> None:
    settings = ServerSettings.from_env()
    websocket = WebSocketSettings.from_env()
    uvicorn.run(
        "gateway_asgi.app:application",
        # All interfaces of the container; only the compose networks reach it.
        host="0.0.0.0",  # noqa: S104
        port=8000,
        # Persistent processes supervised by Uvicorn (restarted if one dies);
        # UVICORN_WORKERS, one per core (settings.ServerSettings).
        workers=settings.workers,
        # The app opens its pool in the lifespan: a server that skipped it
        # would serve requests without a database, so it is required.
        lifespan="on",
        # Name the fast implementations explicitly so a missing wheel fails at
        # start instead of silently falling back to the pure-Python ones.
        loop="uvloop",
        http="httptools",
        # Memory per held WebSocket, one Uvicorn process holding 3,000 echo
        # connections (2026-11-26): websockets-sansio 19.4 KiB, wsproto 17.6 KiB,
        # the deprecated websockets 27.5 KiB. wsproto's 2 KiB less is not worth
        # its pure-Python frame parser; the rest of what a connection costs is
        # the app's (make bench-conns, README: Connections).
        ws="websockets-sansio",
        # An echo needs no big frames; bounds memory per WebSocket (default 16 MiB).
        ws_max_size=64 * 1024,
        # A held WebSocket's keep-alive, WEBSOCKET_PING_* (.env has the reasons).
        ws_ping_interval=websocket.ping_interval_s,
        ws_ping_timeout=websocket.ping_timeout_s,
        # No permessage-deflate: a client that offers it (every browser) would
        # cost a zlib compressor and decompressor, 34 KiB more per held socket
        # (one worker, 2,000 sockets, 2026-11-26), and a compression per socket
        # and message, to shrink JSON frames of a few hundred bytes.
        ws_per_message_deflate=False,
        # Longer than nginx's upstream keepalive_timeout (60 s), so nginx always
        # closes an idle keep-alive connection first and never reuses a socket
        # Uvicorn is closing.
        timeout_keep_alive=75,
        # Held connections (.env, "Held connections", has both derivations):
        # beyond limit_concurrency an HTTP request gets Uvicorn's 503 (the edge
        # refuses first, at BACKEND_CONNECTIONS_MAX); backlog is the kernel's
        # queue of connections not yet accepted.
        limit_concurrency=settings.limit_concurrency,
        backlog=settings.backlog,
        # Take client address and scheme from X-Forwarded-For/-Proto, and only
        # when the peer is nginx (anyone else's headers are ignored).
        proxy_headers=True,
        forwarded_allow_ips=str(settings.trusted_proxy_cidr),
        # nginx adds its own Server header at the edge.
        server_header=False,
        # No line per request: the edge logs every one, with this server's
        # time (docs/conventions.md, "Logs"). Start-up and errors still log.
        access_log=False,
        # On SIGTERM stop accepting, finish in-flight requests, then cut open
        # WebSockets/SSE streams after 8 s: inside `docker stop`'s default 10 s
        # (compose's stop_grace_period is longer still).
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
