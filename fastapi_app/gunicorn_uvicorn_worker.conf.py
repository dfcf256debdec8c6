"""Gunicorn supervising Uvicorn workers: `gunicorn -c gunicorn_uvicorn_worker.conf.py`.

The server matrix's variant was-uvicorn-worker (docker-compose.yml,
/was/uvicorn-worker/): the same FastAPI app as /fastapi/, each worker process
Uvicorn's event loop, but started and watched by Gunicorn's arbiter instead of
Uvicorn's own supervisor (`uvicorn --workers`, the lab's choice, serve.py).
This is what tiangolo's uvicorn-gunicorn image ran; the worker class lives in
the `uvicorn-worker` package since Uvicorn deprecated uvicorn.workers.
https://github.com/Kludex/uvicorn-worker
https://docs.gunicorn.org/en/stable/settings.html

The lab's ASGI sizes (.env): UVICORN_WORKERS processes, each with a pool of
DB_POOL_MAX connections and its feed's LISTEN connection, so the service opens
at most UVICORN_WORKERS x (DB_POOL_MAX + 1) (docs/connection-budget.md).
"""

import ipaddress
import os


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"environment variable {name} must be set (its default lives in .env)")
    return value


# An application factory: Gunicorn calls it once per worker.
wsgi_app = "gateway_fastapi.main:create_app()"
# Uvicorn's event loop in each worker, with serve.py's protocols (uvloop,
# httptools, its WebSocket settings: gateway_fastapi/gunicorn_worker.py);
# Gunicorn only forks, watches and signals.
worker_class = "gateway_fastapi.gunicorn_worker.LabUvicornWorker"
workers = int(required("UVICORN_WORKERS"))

# Every interface of the container (Gunicorn's default, 127.0.0.1, is
# unreachable from outside it); only the compose networks reach it.
bind = "0.0.0.0:8000"

# The worker hands this to Uvicorn's proxy-headers middleware: X-Forwarded-For
# and -Proto count from the edge alone. Parsed here: a malformed value would be
# taken for a host name and trust nobody.
forwarded_allow_ips = str(ipaddress.ip_network(required("TRUSTED_PROXY_CIDR")))

# The worker passes keepalive to Uvicorn as timeout_keep_alive. Gunicorn's
# default, 2 s, is shorter than nginx's upstream keepalive_timeout (60 s):
# nginx would reuse connections Uvicorn is closing. 75 s, as serve.py.
keepalive = 75

# A worker silent for 30 s is killed and replaced; on SIGTERM in-flight
# requests get 20 s (compose's stop_grace_period: 25 s).
timeout = 30
graceful_timeout = 20

# The root filesystem is read-only: heartbeat files on the /tmp tmpfs.
worker_tmp_dir = "/tmp"  # noqa: S108 - a private tmpfs, not a shared /tmp
# No control socket: Gunicorn >= 25.1 opens one in $HOME, on the read-only root.
# https://docs.gunicorn.org/en/stable/settings.html#control-socket-disable
control_socket_disable = True
# No line per request: the edge logs every one, with this server's time
# (docs/conventions.md, "Logs"). Start-up and errors still log.
# https://docs.gunicorn.org/en/stable/settings.html#accesslog
accesslog = None
