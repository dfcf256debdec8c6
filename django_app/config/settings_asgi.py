"""Django settings of the ASGI deployment (/django-asgi/, Uvicorn): the same
project (config/base.py), with the URLconf of async I/O views, no admin, the
prefix, and the pool size of an event-loop worker. Selected by
DJANGO_SETTINGS_MODULE=config.settings_asgi (docker-compose.yml: django-asgi).
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

from config.base import *  # noqa: F403
from config.base import ALLOWED_HOSTS, database, required, required_int

ROOT_URLCONF = "config.urls_asgi"

# The prefix nginx forwards unchanged (/django-asgi/hello). Gunicorn strips
# SCRIPT_NAME itself; under ASGI Django strips FORCE_SCRIPT_NAME from the path
# and builds every link with it (Uvicorn's root_path expects a proxy that
# strips the prefix; ours keeps it).
# https://docs.djangoproject.com/en/5.2/ref/settings/#force-script-name
FORCE_SCRIPT_NAME = required("SCRIPT_NAME")

# Direct hits inside the stack name this service (Locust's direct cells, `make bench`).
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "django-asgi"]

# Django's docs for ASGI: no persistent connections, the backend's own pool
# instead (base.py: CONN_MAX_AGE 0 and the psycopg pool). The async ORM runs
# each query in the request's own thread (asgiref's ThreadSensitiveContext), and
# the connection stays with the request until it ends, so a worker holds one
# connection per request that queries, at most DB_POOL_MAX (the sizes of the
# other Uvicorn services); a request beyond that waits for a free one (pool
# timeout, 3 s). Each worker's message feed LISTENs on one connection of its
# own, outside the pool (gateway_django/broadcast.py), so the service opens at
# most UVICORN_WORKERS x (DB_POOL_MAX + 1) connections (docs/connection-budget.md).
# The views that wait (/poll, /events/messages) hand theirs back before waiting.
# https://docs.djangoproject.com/en/5.2/ref/databases/#persistent-database-connections
DATABASES = {"default": database(pool_max_size=required_int("DB_POOL_MAX"))}

# Only middleware that runs on the event loop. Django's own (MiddlewareMixin)
# runs each process_request/process_response through sync_to_async, in the
# request's own thread (asgiref's ThreadSensitiveContext), which then lives
# until the request ends: every waiting /poll and /events/messages client held
# a thread, and at the container's pids limit (128) the 104th waiting poll
# failed with "can't start new thread" (make bench-conns, 2026-11-26). What
# they did here is not needed: sessions, authentication and messages serve the
# admin, which stays on /django/ (urls_asgi.py); every view of this URLconf is
# csrf_exempt (errors.allow: a JSON API, no cookies); SecurityMiddleware's
# headers are the edge's (base.py); CommonMiddleware's APPEND_SLASH redirects
# no contract path (test_routing.py), and a response without its
# Content-Length goes out chunked. WebSocketRefusalMiddleware is the WSGI
# deployment's: here a WebSocket never reaches Django (config/asgi.py).
# https://docs.djangoproject.com/en/5.2/topics/http/middleware/#asynchronous-support
MIDDLEWARE = ["gateway_django.middleware.EdgeClientAddressMiddleware"]
