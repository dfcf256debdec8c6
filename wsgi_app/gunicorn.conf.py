"""Gunicorn settings for the raw WSGI backend: the same server and sizing as /django/,
so the two differ by the framework alone.

https://docs.gunicorn.org/en/stable/settings.html

Sizes come from the environment (compose passes .env's names), with no
default here; the totals live in docs/connection-budget.md:
- workers = GUNICORN_WORKERS: one process per core of the container's CPU
  limit; the GIL runs Python on one core per process at a time.
- threads = GUNICORN_THREADS per worker (gthread): requests mostly wait on
  PostgreSQL or on /io's sleep, and a waiting thread releases the GIL. Each
  worker's pool has one connection per thread (gateway_wsgi/database.py), so
  the service opens at most GUNICORN_WORKERS x GUNICORN_THREADS connections.
- /io?ms=100 is bounded by GUNICORN_WORKERS x GUNICORN_THREADS / 0.1 s.
"""

import os


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} must be set (see .env and docs/conventions.md)")
    return value


wsgi_app = "gateway_wsgi.app:application"
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

# The /wsgi prefix: Gunicorn reads SCRIPT_NAME from its environment (the
# image sets it), strips it from each request path and hands it to the app in
# environ["SCRIPT_NAME"]; every generated link depends on it.
required("SCRIPT_NAME")

# Only the edge may set X-Forwarded-Proto (which makes wsgi.url_scheme "https");
# from any other peer those headers are ignored. A network or one address
# (the pinned Gunicorn takes CIDR and refuses host bits set, as the app does).
# https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips
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
# (nginx/upstreams/wsgi.conf).
keepalive = 0
worker_connections = threads

# The longest legitimate request is /io?ms=10000 (10 s); 30 s leaves room for
# a slow database before a stuck worker is killed and replaced.
timeout = 30
# On SIGTERM finish in-flight requests (the longest, /io, takes 10 s) before
# exiting; compose's stop_grace_period (25 s) lets this run before SIGKILL.
graceful_timeout = 20

# No line per request: the edge logs every one, with this server's time
# (docs/conventions.md, "Logs"). Start-up and errors still log.
# https://docs.gunicorn.org/en/stable/settings.html#accesslog
accesslog = None
errorlog = "-"


def on_starting(server: object) -> None:
    """Every setting the application reads, read once before any worker starts:
    a missing one stops Gunicorn with its name, not the first request that needs it."""
    from gateway_wsgi import settings

    settings.current()


def worker_exit(server: object, worker: object) -> None:
    """Close this worker's pool: PostgreSQL sees clean disconnects, not dropped sockets."""
    from gateway_wsgi import database

    database.close_pool()
