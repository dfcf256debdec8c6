"""Gunicorn as most tutorials ship it: one `sync` worker, Gunicorn's defaults.

The server matrix's "tutorial default" (docker-compose.yml, service
was-gunicorn-sync-1, /was/gunicorn-sync-1/): what `gunicorn
config.wsgi:application` runs with no settings at all, plus the three lines a
container behind a proxy cannot do without. Paste it as it is to get the
tutorial's behaviour, or read it beside gunicorn.conf.py (the lab's gthread
choice) to see what each of that file's lines changes.
https://docs.gunicorn.org/en/stable/settings.html

What the defaults mean here: one process, one request at a time (`sync`:
the worker reads a request, runs the view, writes the answer, closes the
connection). A request that waits (on PostgreSQL, on /io's sleep) holds the
whole server: /io?ms=100 is bound by 1 / 0.1 s = 10 requests per second.
Django's pool (config/settings.py: max_size = GUNICORN_THREADS, 1 here) holds
one connection: the service opens at most 1 (docs/connection-budget.md).
"""

import ipaddress
import os


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"environment variable {name} must be set (its default lives in .env)")
    return value


wsgi_app = "config.wsgi:application"

# Not a default: Gunicorn binds 127.0.0.1:8000, which nothing outside the
# container can reach. 0.0.0.0: every interface of the container; only the
# compose networks reach it. https://docs.gunicorn.org/en/stable/settings.html#bind
bind = "0.0.0.0:8000"

# Gunicorn's defaults, written out: worker_class "sync", workers 1, timeout 30 s,
# keepalive 2 s (unused: a sync worker closes every connection), graceful_timeout 30 s.
worker_class = "sync"
workers = 1

# Not a default (it is 127.0.0.1): the edge's address, the one peer whose
# X-Forwarded-Proto makes the request "https" (docs/contract.md, /info).
# Parsed here: Gunicorn would take a malformed value for a host name.
forwarded_allow_ips = str(ipaddress.ip_network(required("TRUSTED_PROXY_CIDR")))
# Not a default either (it trusts SCRIPT_NAME and PATH_INFO headers from that
# peer): the prefix comes from this container's SCRIPT_NAME alone.
forwarder_headers = ""

# The /was/gunicorn-sync-1 prefix: Gunicorn reads SCRIPT_NAME from its
# environment and strips it from each path. Without it nothing would route.
required("SCRIPT_NAME")

# The root filesystem is read-only: heartbeat files on the /tmp tmpfs.
worker_tmp_dir = "/tmp"  # noqa: S108 - a private tmpfs, not a shared /tmp
