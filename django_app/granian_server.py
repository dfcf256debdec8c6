"""Granian serving the Django project over WSGI: `python granian_server.py`.

The server matrix's variant was-granian-wsgi (docker-compose.yml,
/was/granian-wsgi/): the same WSGI application as /django/ (config.wsgi),
served by Granian, a Rust HTTP server, instead of Gunicorn. The same sizes as
the lab's Gunicorn (.env: GUNICORN_WORKERS processes of GUNICORN_THREADS
threads), so what differs is the server. One comment per setting, so the file
can be pasted; the same settings exist as `granian` command-line options.
https://github.com/emmett-framework/granian#options

Django's pool holds one connection per thread (config/settings.py: max_size =
GUNICORN_THREADS): the service opens at most GUNICORN_WORKERS x
GUNICORN_THREADS (docs/connection-budget.md), and /io?ms=100 is bound by
GUNICORN_WORKERS x GUNICORN_THREADS / 0.1 s, as under Gunicorn.
"""

import ipaddress
import os
from collections.abc import Callable

from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.utils.proxies import wrap_wsgi_with_proxy_headers


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"environment variable {name} must be set (its default lives in .env)")
    return value


def proxied_application() -> Callable:
    """The WSGI application, believing X-Forwarded-For/-Proto from the edge alone.

    Granian applies no forwarding header itself (Gunicorn's forwarded_allow_ips):
    its own wrapper does, for peers in TRUSTED_PROXY_CIDR, so a request through
    the edge is "https" (docs/contract.md, /info). Called once in each worker.
    """
    from django.core.wsgi import get_wsgi_application

    trusted = str(ipaddress.ip_network(required("TRUSTED_PROXY_CIDR")))  # parsed: a typo must not start
    return wrap_wsgi_with_proxy_headers(get_wsgi_application(), trusted_hosts=[trusted])


def main() -> None:
    Granian(
        "granian_server:proxied_application",
        factory=True,  # the target is called in each worker for the application
        interface=Interfaces.WSGI,
        # Every interface of the container (Granian's default is 127.0.0.1);
        # only the compose networks reach it.
        address="0.0.0.0",  # noqa: S104
        port=8000,
        # The edge speaks HTTP/1.1 to its upstreams: no protocol detection.
        http=HTTPModes.http1,
        # Processes, one per core (.env GUNICORN_WORKERS).
        workers=int(required("GUNICORN_WORKERS")),
        # Threads running the application in each process: Granian's default
        # for WSGI is half its backpressure (hundreds), far above Django's pool
        # of GUNICORN_THREADS connections; the lab's count instead.
        blocking_threads=int(required("GUNICORN_THREADS")),
        # The /was/granian-wsgi prefix nginx forwards unchanged: Granian strips
        # it from PATH_INFO and sets SCRIPT_NAME, as Gunicorn does with SCRIPT_NAME.
        url_path_prefix=required("SCRIPT_NAME"),
        # A worker that dies is started again (Gunicorn's arbiter does it by default).
        respawn_failed_workers=True,
        # On SIGTERM, in-flight requests get 20 s (compose's stop_grace_period: 25 s).
        workers_kill_timeout=20,
        # No line per request, as the lab's Gunicorn: the edge logs every one
        # (docs/conventions.md, "Logs").
        log_access=False,
    ).serve()


if __name__ == "__main__":
    main()
