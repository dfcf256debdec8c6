"""Granian serving the FastAPI app over ASGI: `python granian_server.py`.

The server matrix's variant was-granian-asgi (docker-compose.yml,
/was/granian-asgi/): the same application as /fastapi/ (gateway_fastapi.main),
served by Granian, a Rust HTTP server, instead of Uvicorn. The lab's ASGI
sizes (.env UVICORN_WORKERS processes, each with a pool of DB_POOL_MAX), so
what differs is the server. One comment per setting, so the file can be
pasted; the same settings exist as `granian` command-line options.
https://github.com/emmett-framework/granian#options
"""

from gateway_fastapi.main import create_app
from gateway_fastapi.settings import ServerSettings
from granian import Granian
from granian.constants import HTTPModes, Interfaces, Loops
from granian.utils.proxies import wrap_asgi_with_proxy_headers


def proxied_app():
    """The app, believing X-Forwarded-For/-Proto from the edge alone.

    Granian applies no forwarding header itself (Uvicorn's proxy_headers): its
    own wrapper does, for peers in TRUSTED_PROXY_CIDR, so a request through the
    edge is "https" (docs/contract.md, /info). Called once in each worker.
    """
    trusted = str(ServerSettings.from_env().trusted_proxy_cidr)
    return wrap_asgi_with_proxy_headers(create_app(), trusted_hosts=[trusted])


def main() -> None:
    Granian(
        "granian_server:proxied_app",
        factory=True,  # the target is called in each worker for the application
        interface=Interfaces.ASGI,  # with the lifespan protocol (the app's pool opens in it)
        # Every interface of the container (Granian's default is 127.0.0.1);
        # only the compose networks reach it.
        address="0.0.0.0",  # noqa: S104
        port=8000,
        # The edge speaks HTTP/1.1 to its upstreams: no protocol detection.
        http=HTTPModes.http1,
        # Event-loop processes, one per core (.env UVICORN_WORKERS), as under Uvicorn.
        workers=ServerSettings.from_env().workers,
        # uvloop, as the lab's Uvicorn runs: named, so a missing wheel fails at start.
        loop=Loops.uvloop,
        # The prefix stays the app's (ROOT_PATH, prefix.ForwardedPrefix): no
        # url_path_prefix here, or it would be applied twice.
        # A worker that dies is started again (Uvicorn's supervisor does it).
        respawn_failed_workers=True,
        # On SIGTERM, in-flight requests get 8 s, as the lab's Uvicorn gives them.
        workers_kill_timeout=8,
        # No line per request, as the lab's Uvicorn: the edge logs every one
        # (docs/conventions.md, "Logs").
        log_access=False,
    ).serve()


if __name__ == "__main__":
    main()
