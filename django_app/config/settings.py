"""Django settings of the WSGI deployment (/django/, Gunicorn): config/base.py plus
the URLconf with the admin and the pool size of a gthread worker.

https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
"""

from config.base import *  # noqa: F403
from config.base import database, required_int

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# A gthread worker runs at most GUNICORN_THREADS requests at once and each holds
# at most one connection, so
#   pool max_size = GUNICORN_THREADS
# means no request ever waits for a connection, and the whole service opens at
# most GUNICORN_WORKERS x GUNICORN_THREADS connections (docs/connection-budget.md).
GUNICORN_THREADS = required_int("GUNICORN_THREADS")
DATABASES = {"default": database(pool_max_size=GUNICORN_THREADS)}
