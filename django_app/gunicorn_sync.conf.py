"""Gunicorn `sync` workers, as many as its documentation suggests: 2 x cores + 1.

The server matrix's variant was-gunicorn-sync (docker-compose.yml,
/was/gunicorn-sync/): gunicorn_sync_1.conf.py with the worker count of
Gunicorn's design page, "(2 x $num_cores) + 1", the other common copy.
https://docs.gunicorn.org/en/stable/design.html#how-many-workers

Each sync worker runs one request at a time, so the service runs `workers`
requests at once: /io?ms=100 is bound by workers / 0.1 s. Django's pool holds
one connection per worker (config/settings.py: max_size = GUNICORN_THREADS,
1 here): the service opens at most `workers` (docs/connection-budget.md).
"""

import ipaddress
import os


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"environment variable {name} must be set (its default lives in .env)")
    return value


wsgi_app = "config.wsgi:application"

# Every interface of the container (Gunicorn's default, 127.0.0.1, is
# unreachable from outside it); only the compose networks reach it.
bind = "0.0.0.0:8000"

worker_class = "sync"
# The cores the container may use (.env CONTAINER_CPUS, compose's cpus limit),
# not os.cpu_count(): that counts the host's cores, whatever the quota.
workers = 2 * int(required("CONTAINER_CPUS")) + 1

# The edge alone may make a request "https" (X-Forwarded-Proto); the prefix
# comes from SCRIPT_NAME in this container's environment, never from a header.
forwarded_allow_ips = str(ipaddress.ip_network(required("TRUSTED_PROXY_CIDR")))
forwarder_headers = ""
required("SCRIPT_NAME")

# A stuck request is killed after 30 s (Gunicorn's default, above /io's 10 s
# maximum); on SIGTERM in-flight requests get 20 s (compose's stop_grace_period: 25 s).
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
