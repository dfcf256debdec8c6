"""Gunicorn settings for the Django backend.

https://docs.gunicorn.org/en/stable/settings.html

Sizing (the defaults live in the repository's .env; docs/connection-budget.md
holds the totals). This file has no defaults of its own: a missing variable
stops the start with its name.
- workers = GUNICORN_WORKERS: one process per core the host gives the
  container. The GIL lets a process run Python on one core at a time, so more
  processes than cores only adds memory.
- threads = GUNICORN_THREADS per worker, gthread class: requests mostly wait
  on PostgreSQL or on /io's sleep, and a waiting thread releases the GIL, so
  threads overlap that waiting. Each thread holds at most one connection from
  its worker's pool (config/settings.py: pool max_size = GUNICORN_THREADS), so
  the service opens at most GUNICORN_WORKERS x GUNICORN_THREADS PostgreSQL
  connections.
- Throughput bound for /io?ms=100: every request holds a thread for 0.1 s, so
  at most GUNICORN_WORKERS x GUNICORN_THREADS / 0.1 s requests per second.
  Raising it means more threads, and with them a bigger share of the
  connection budget.
"""

import os
import time


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"environment variable {name} must be set (its default lives in .env)")
    return value


wsgi_app = "config.wsgi:application"
# Import the application once in the master, then fork the workers: they share
# its pages copy-on-write instead of each importing it again (measured on the
# idle stack: README, Measured). Nothing opens a socket or a thread at import
# (each worker opens its own pool), so nothing is shared that must not be.
# A SIGHUP then restarts the workers with the code the master holds; new code
# comes with a new container (`make deploy`).
# https://docs.gunicorn.org/en/stable/settings.html#preload-app
preload_app = True

bind = "0.0.0.0:8000"
worker_class = "gthread"
workers = int(required("GUNICORN_WORKERS"))
threads = int(required("GUNICORN_THREADS"))

# The /django prefix: Gunicorn reads SCRIPT_NAME from its environment, strips it
# from each request path and hands it to Django in environ["SCRIPT_NAME"].
# Refuse to start without it: every generated link and redirect would lack it.
required("SCRIPT_NAME")

# SECURITY: only the edge may set X-Forwarded-Proto (which makes wsgi.url_scheme
# "https"); from any other peer those headers are ignored. The client address
# is taken from X-Forwarded-For under the same rule, by Django
# (gateway_django/middleware.py), since Gunicorn always reports the TCP peer.
# A network or one address: the pinned Gunicorn takes CIDR and refuses host bits set.
forwarded_allow_ips = required("TRUSTED_PROXY_CIDR")
# The prefix comes from this container's environment alone; not even the edge
# may override SCRIPT_NAME or PATH_INFO through headers (the default allows it).
forwarder_headers = ""

# Heartbeat files go to the tmpfs: the root filesystem is read-only.
worker_tmp_dir = "/tmp"  # noqa: S108 - a private tmpfs, not a shared /tmp
# No control socket (Gunicorn >= 25.1 opens one in $HOME for `gunicornc`, and
# the root filesystem is read-only): operations use signals (`docker kill -s
# HUP`, scripts/replicas.sh) and compose's scaling, not a socket in the container.
# https://docs.gunicorn.org/en/stable/settings.html#control-socket-disable
control_socket_disable = True

# Balance every request over all the threads (issue 14). A gthread worker
# accepts a connection whether or not a thread is free, and a kept-alive
# connection stays on the worker that accepted it: with 20 connections split
# 14/6, one worker queues requests while the other's threads idle (/io
# reached 0.61 of workers x threads / 0.1 s). So each connection closes after
# its answer, and a worker accepts only while it has a free thread: waiting
# connections stay in the kernel's listen queue until whichever worker frees
# a thread first takes the next one. The cost is a TCP handshake per request
# on the container network; nginx keeps no idle connections to Gunicorn
# (nginx/upstreams/django.conf). The middle way, keep-alive with
# worker_connections = threads + k, lets each worker hold k connections no
# thread serves (the queueing above, k deep); and gthread closes a kept
# connection only past k idle ones or its keepalive timeout, so while every
# kept connection stays busy, one beyond the workers' total waits unanswered
# in the listen queue (read in gunicorn/workers/gthread.py, 27.0; not measured).
keepalive = 0
worker_connections = threads

# Longest legitimate request is /io?ms=10000 (10 s); 30 s leaves room for a
# slow database before a stuck worker is killed and replaced.
timeout = 30
# On SIGTERM, finish in-flight requests (the longest, /io, takes 10 s) before
# exiting; compose's stop_grace_period (25 s) lets this run before SIGKILL.
graceful_timeout = 20

# post_worker_init below waits this long at most for a first database connection.
POOL_WARM_UP_SECONDS = 15

# No line per request: the edge logs every one, with this server's time
# (docs/conventions.md, "Logs"). Start-up and errors still log.
# https://docs.gunicorn.org/en/stable/settings.html#accesslog
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker) -> None:
    """Open the worker's connection pool before it accepts a request.

    A reload (SIGHUP: `make test`'s tests/e2e/test_operations.py) or a worker
    restart starts new workers while requests wait on the socket: a cold pool
    would make the first ones wait on new PostgreSQL connections and fail past
    the pool's 3 s timeout on a busy host. Bounded: with the database down the
    worker still starts, and /healthz says so.
    """
    from django.db import connection
    from django.db.utils import OperationalError

    deadline = time.monotonic() + POOL_WARM_UP_SECONDS
    while True:
        try:
            connection.ensure_connection()
        except OperationalError as error:
            if time.monotonic() < deadline:
                continue  # the pool keeps connecting in the background; getconn waits its timeout again
            worker.log.warning("database pool not ready, serving anyway: %s", error)
            return
        connection.close()  # back to the pool, for the request threads
        return
