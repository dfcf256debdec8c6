"""One user class per variant of the server matrix: an app of the lab under
another server configuration, at /was/<variant>/ (README: Server matrix).

The variants run only with the compose profile `matrix` (`make up MATRIX=1`).
Without it the edge answers their paths with its JSON 502 (their names do not
resolve), and straight at a variant's server there is no such host: a user of
a variant then records one failure saying to start the matrix, and stops, so
the classes beside it run on and nothing hammers the edge with 502s.
"""

import socket

from locust.exception import StopUser

from scenarios import checks
from scenarios.contract import ContractUser

# The edge's answer when a variant's name does not resolve (nginx/routes/was.conf).
# Not its 504: a running variant that answers too slowly gets that too.
EDGE_NOT_RUNNING = 502
# Straight at a variant's server (status 0): no such host, or nothing listening.
NOT_LISTENING = (socket.gaierror, ConnectionRefusedError)


def not_running(response: checks.Response) -> str | None:
    """How the answer says the variant is not running, or None."""
    if response.status_code == EDGE_NOT_RUNNING:
        return f"HTTP {EDGE_NOT_RUNNING} from the edge"
    error = getattr(response, "error", None)  # Locust's: why there was no answer
    if response.status_code == 0 and isinstance(error, NOT_LISTENING):
        return f"no connection: {error}"
    return None


class VariantUser(ContractUser):
    """A client of one variant; stops with a clear failure when the matrix is not running."""

    abstract = True

    def _judge(self, response: checks.Response, check: checks.Check) -> None:
        answer = not_running(response)
        if answer:
            # The compose service is the prefix with a dash: was/granian-wsgi -> was-granian-wsgi.
            service = self.backend.replace("/", "-")
            response.failure(f"{service} is not running ({answer}): start the server matrix, `make up MATRIX=1`")
            raise StopUser
        super()._judge(response, check)


class WasGunicornSync1User(VariantUser):
    """Django under Gunicorn sync with one worker, the tutorial default (WSGI):
    one request at a time."""

    backend = "was/gunicorn-sync-1"
    interface = "WSGI"
    via = "django"


class WasGunicornSyncUser(VariantUser):
    """Django under Gunicorn sync with 2 x cores + 1 workers (WSGI): one request per process."""

    backend = "was/gunicorn-sync"
    interface = "WSGI"
    via = "django"


class WasUvicornWorkerUser(VariantUser):
    """FastAPI under Gunicorn with uvicorn-worker's UvicornWorker (ASGI): Gunicorn supervises the event loops."""

    backend = "was/uvicorn-worker"
    interface = "ASGI"
    via = "fastapi"


class WasGranianWsgiUser(VariantUser):
    """Django under Granian, a Rust HTTP server, over WSGI: the lab's Gunicorn sizes."""

    backend = "was/granian-wsgi"
    interface = "WSGI"
    via = "django"


class WasGranianAsgiUser(VariantUser):
    """FastAPI under Granian, a Rust HTTP server, over ASGI: the lab's Uvicorn sizes."""

    backend = "was/granian-asgi"
    interface = "ASGI"
    via = "fastapi"
