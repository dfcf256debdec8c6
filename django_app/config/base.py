"""Django settings shared by both deployments of the project, all taken from the environment.

config/settings.py (WSGI, /django/) and config/settings_asgi.py (ASGI,
/django-asgi/) start from these and add what differs: the size of the
database pool, and for ASGI the URLconf and the prefix.

The tunables (TRUSTED_PROXY_CIDR, PUBLIC_HOST, HTTPS_PORT, REQUEST_BODY_MAX_BYTES,
the pool sizes) are set by the deployment (compose from the repository's .env);
this file has none of its own and
refuses to start without them. Secrets are read from files named by *_FILE
variables (docs/conventions.md), never from the environment itself.
https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
"""

import ipaddress
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def required(name: str) -> str:
    """The value of environment variable `name`; a clear error when it is unset or empty."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"environment variable {name} must be set (its default lives in .env)")
    return value


def required_int(name: str) -> int:
    value = required(name)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"environment variable {name} must be an integer, got {value!r}") from None


def required_network(name: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A network in CIDR notation (a bare address is its /32 or /128), host bits unset,
    as Gunicorn's forwarded_allow_ips requires too."""
    value = required(name)
    try:
        return ipaddress.ip_network(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"environment variable {name} must be a network, got {value!r}: {exc}") from None


def read_secret(file_variable: str) -> str:
    """Return the content of the file whose path is in the variable `file_variable`."""
    path = required(file_variable)
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"cannot read {file_variable}={path}: {exc}") from exc


SECRET_KEY = read_secret("DJANGO_SECRET_KEY_FILE")
DEBUG = os.environ.get("DJANGO_DEBUG", "false").lower() in {"1", "true", "yes"}

# --- Behind the edge (nginx in TRUSTED_PROXY_CIDR, TLS terminated there) ---------
# SECURITY: the only peers whose forwarding headers count. Gunicorn reads it for
# the scheme (gunicorn.conf.py: forwarded_allow_ips), the client-address
# middleware (gateway_django/middleware.py) for X-Forwarded-For.
TRUSTED_PROXY_CIDR = required_network("TRUSTED_PROXY_CIDR")
PUBLIC_HOST = required("PUBLIC_HOST")
HTTPS_PORT = required_int("HTTPS_PORT")

# SECURITY: the Host names Django answers for; any other Host gets a JSON 400.
# The edge sends the public authority (PUBLIC_HOST:HTTPS_PORT) as Host. Direct
# hits inside the stack use the compose service name `django` (Locust's direct
# cells, `make bench`) or the loopback address (healthcheck.py).
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = [PUBLIC_HOST, "django", "127.0.0.1"]

# The scheme: Gunicorn sets wsgi.url_scheme to "https" from X-Forwarded-Proto only
# when the peer is in forwarded_allow_ips (the edge), and Django reads
# wsgi.url_scheme when SECURE_PROXY_SSL_HEADER is None. Setting
# SECURE_PROXY_SSL_HEADER would make Django trust that header from any peer, so
# it stays None on purpose: Gunicorn is the one place that decides whom to trust.
# https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips
SECURE_PROXY_SSL_HEADER = None
# The host: the edge already sends the public authority as Host itself, so
# X-Forwarded-Host (which any peer could send) is not read.
USE_X_FORWARDED_HOST = False
# The public origin a browser's admin POST carries; the default port 443 is
# left out of origins, as browsers do.
# https://docs.djangoproject.com/en/5.2/ref/settings/#csrf-trusted-origins
CSRF_TRUSTED_ORIGINS = [f"https://{PUBLIC_HOST}" + ("" if HTTPS_PORT == 443 else f":{HTTPS_PORT}")]
# Cookies only ever travel over the edge's HTTPS.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HSTS and the HTTP -> HTTPS redirect are the edge's job (nginx/), not Django's:
# the container healthcheck speaks plain HTTP to Gunicorn.
SECURE_SSL_REDIRECT = False
# Site-wide security headers have one owner, the edge (nginx/README.md): a
# second copy from Django would send X-Content-Type-Options twice and two
# different Referrer-Policy values. Hence no XFrameOptionsMiddleware either.
# https://docs.djangoproject.com/en/5.2/ref/middleware/#module-django.middleware.security
SECURE_CONTENT_TYPE_NOSNIFF = False
SECURE_REFERRER_POLICY = None
SECURE_CROSS_ORIGIN_OPENER_POLICY = None
# W002 X-Frame-Options, W004 HSTS, W006 nosniff, W008 SSL redirect, W022
# Referrer-Policy: each set once, at the edge, for every response of the site.
SILENCED_SYSTEM_CHECKS = ["security.W002", "security.W004", "security.W006", "security.W008", "security.W022"]
CSRF_FAILURE_VIEW = "gateway_django.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "gateway_django",
]

MIDDLEWARE = [
    "gateway_django.middleware.EdgeClientAddressMiddleware",
    "gateway_django.middleware.WebSocketRefusalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]


TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# --- Database -------------------------------------------------------------------
# Each server process has its own pool, sized by each deployment's settings to
# the requests that process runs at once (docs/connection-budget.md).
# https://docs.djangoproject.com/en/5.2/ref/databases/#connection-pool
def database(pool_max_size: int) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": required("POSTGRES_HOST"),
        "PORT": required("POSTGRES_PORT"),
        "NAME": required("POSTGRES_DB"),
        "USER": required("POSTGRES_USER"),
        "PASSWORD": read_secret("POSTGRES_PASSWORD_FILE"),
        # The pool owns connection reuse; Django refuses persistent connections with it.
        "CONN_MAX_AGE": 0,
        # No per-checkout health query: it would add a round trip to every /db
        # request. After a database restart each stale pooled connection fails
        # one request and is discarded by the pool.
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {
            # libpq gives up on an unreachable server after 3 s.
            "connect_timeout": 3,
            "pool": {
                # Kept while idle (.env), never above max_size (a pool of one:
                # a Gunicorn sync worker, docker-compose.yml's server matrix);
                # the pool grows on demand to max_size.
                "min_size": min(required_int("DB_POOL_MIN"), pool_max_size),
                "max_size": pool_max_size,
                # Waiting only happens when the database is down (or, under ASGI,
                # when more requests query at once than the pool holds): fail the
                # request (and /healthz) well within the healthcheck timeout.
                "timeout": 3,
            },
        },
        # The test runner creates and drops this database (the user needs CREATEDB).
        "TEST": {"NAME": "test_gateway"},
    }


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
# Absolute URL outside the /django prefix: nginx serves /static/django/ straight
# from the volume that `setup_gateway` fills (collectstatic into STATIC_ROOT).
STATIC_URL = "/static/django/"
STATIC_ROOT = "/srv/static"

# --- Logging: everything to stdout, the container's log stream --------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Request bodies -----------------------------------------------------------------
# The largest request body, the same as the edge's and every backend's (.env
# holds its derivation). request.body checks CONTENT_LENGTH against it before
# reading a byte and raises RequestDataTooBig, which errors.bad_request answers
# with the contract's JSON 413. (A body without Content-Length, chunked straight
# to Gunicorn, is never read: WSGIRequest reads CONTENT_LENGTH bytes, that is none.)
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
DATA_UPLOAD_MAX_MEMORY_SIZE = required_int("REQUEST_BODY_MAX_BYTES")
