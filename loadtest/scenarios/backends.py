"""One user class per backend of the interface ladder: the same contract under each prefix.

The server matrix's variants (/was/<variant>/) are in server_matrix.py.
"""

from locust import tag, task

from scenarios import checks
from scenarios.contract import ContractUser


class CgiUser(ContractUser):
    """Python CGI under fcgiwrap: one process per request."""

    backend = "cgi"
    interface = "CGI"
    via = "cgi"

    @tag("floor")
    @task
    def floor(self) -> None:
        """/cgi/floor: the smallest Python CGI program, the bare cost of a process per request."""
        self._get("/floor", checks.plain_text("Hello, CGI World"))

    @tag("db_unpooled")
    @task
    def db_unpooled(self) -> None:
        """/cgi/direct/db: /db with the process connecting to PostgreSQL itself, not through PgBouncer."""
        self._get("/direct/db", checks.world_row)


class WsgiUser(ContractUser):
    """A plain WSGI callable under Gunicorn (gthread): the interface without a framework."""

    backend = "wsgi"
    interface = "WSGI"
    via = "wsgi"


class DjangoUser(ContractUser):
    """Django under Gunicorn (WSGI)."""

    backend = "django"
    interface = "WSGI"
    via = "django"


class AsgiUser(ContractUser):
    """A plain ASGI callable under Uvicorn: the interface without a framework."""

    backend = "asgi"
    interface = "ASGI"
    via = "asgi"


class FastapiUser(ContractUser):
    """FastAPI under Uvicorn (ASGI)."""

    backend = "fastapi"
    interface = "ASGI"
    via = "fastapi"


class DjangoAsgiUser(ContractUser):
    """The same Django project under Uvicorn (ASGI): async views for the I/O rows."""

    backend = "django-asgi"
    interface = "ASGI"
    via = "django-asgi"
