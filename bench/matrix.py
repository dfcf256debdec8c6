"""The benchmark matrix: which cells exist, and the request each one repeats."""

import json
from dataclasses import dataclass

# The server matrix (compose profile `matrix`, README: Server matrix): an app
# of the lab under another server configuration, at /was/<variant>/.
VARIANTS = ("was-gunicorn-sync-1", "was-gunicorn-sync", "was-uvicorn-worker", "was-granian-wsgi", "was-granian-asgi")
# Every backend --backends takes: the ladder's rungs, then the variants.
BACKENDS = ("cgi", "django", "fastapi", "wsgi", "asgi", "django-asgi", *VARIANTS)
# What a plain `make bench` measures: the stack of a plain `make up`.
DEFAULT_BACKENDS = ("cgi", "django", "fastapi", "django-asgi")
WORKLOADS = (
    "hello",
    "json",
    "db",
    "db_unpooled",
    "queries",
    "fortunes",
    "io",
    "floor",
    "post_messages",
    "static",
    "calibration",
)
# post_messages stores a row per request: asked for by name only.
DEFAULT_WORKLOADS = tuple(w for w in WORKLOADS if w != "post_messages")
ROUTES = ("edge", "direct")

STATIC_WORKLOAD = "static"
# nginx's `return 200` (nginx/routes/edge-calibration.conf): TLS, HTTP and a
# fixed answer, the most the generator can get from this stack. It sets the
# generator's capacity every other cell is a share of (bench/summary.py).
CALIBRATION_WORKLOAD = "calibration"
# The cells of nginx alone, in run order: before the rest, first the calibration.
EDGE_WORKLOADS = (CALIBRATION_WORKLOAD, STATIC_WORKLOAD)
EDGE_SERVICE = "nginx"
# Locust's user class for each backend (loadtest/scenarios/backends.py, server_matrix.py).
USER_CLASSES = {
    "cgi": "CgiUser",
    "django": "DjangoUser",
    "fastapi": "FastapiUser",
    "wsgi": "WsgiUser",
    "asgi": "AsgiUser",
    "django-asgi": "DjangoAsgiUser",
    "was-gunicorn-sync-1": "WasGunicornSync1User",
    "was-gunicorn-sync": "WasGunicornSyncUser",
    "was-uvicorn-worker": "WasUvicornWorkerUser",
    "was-granian-wsgi": "WasGranianWsgiUser",
    "was-granian-asgi": "WasGranianAsgiUser",
}
STATIC_USER_CLASS = "StaticUser"
# Workloads of one backend only: /cgi/floor, the bare cost of a Python CGI
# process (fork, exec, interpreter, fixed answer), beside the real CGI rows;
# /cgi/direct/db, CGI's /db connecting to PostgreSQL itself, beside /cgi/db
# through PgBouncer (nginx/routes/cgi.conf).
ONLY_BACKEND = {"floor": "cgi", "db_unpooled": "cgi"}

# The requests of loadtest/scenarios (contract.py, static.py) with the values
# of loadtest/scenarios/settings.py, for generators that take a URL (wrk);
# bench/tests checks that both say the same.
QUERIES_PER_REQUEST = 20
IO_WAIT_MS = 100
STATIC_PATH = "/static/landing/style.css"
CALIBRATION_PATH = "/edge-calibration"
EDGE_PATHS = {STATIC_WORKLOAD: STATIC_PATH, CALIBRATION_WORKLOAD: CALIBRATION_PATH}
PATHS = {
    "hello": "/hello",
    "json": "/json",
    "db": "/db",
    "db_unpooled": "/direct/db",
    "queries": f"/queries?queries={QUERIES_PER_REQUEST}",
    "fortunes": "/fortunes",
    "io": f"/io?ms={IO_WAIT_MS}",
    "floor": "/floor",
    "post_messages": "/messages",
}

DEFAULT_EDGE_HOST = "https://nginx"
# Same paths as through the edge (each app knows its prefix). CGI has none:
# fcgiwrap speaks only FastCGI, the edge is its one HTTP server.
DEFAULT_DIRECT_HOSTS = {
    backend: f"http://{backend}:8000" for backend in ("django", "fastapi", "wsgi", "asgi", "django-asgi", *VARIANTS)
}
NO_DIRECT_REASON = {"cgi": "no direct cell: fcgiwrap speaks FastCGI only, Nginx is its HTTP server"}


@dataclass(frozen=True)
class Rung:
    """What a backend is on the ladder: the interface, the server as configured, the app."""

    interface: str
    server: str
    app: str


# Each backend's rung, so that a report can group cells by any of the three.
# The server names the configuration (docker-compose.yml and each config file).
LADDER = {
    EDGE_SERVICE: Rung("HTTP", "nginx", "static file"),
    "cgi": Rung("CGI", "fcgiwrap, a process per request", "plain CGI script"),
    "django": Rung("WSGI", "Gunicorn gthread (the lab's)", "Django"),
    "wsgi": Rung("WSGI", "Gunicorn gthread (the lab's)", "plain callable"),
    "fastapi": Rung("ASGI", "Uvicorn --workers (the lab's)", "FastAPI"),
    "asgi": Rung("ASGI", "Uvicorn --workers (the lab's)", "plain callable"),
    "django-asgi": Rung("ASGI", "Uvicorn --workers (the lab's)", "Django"),
    "was-gunicorn-sync-1": Rung("WSGI", "Gunicorn sync, 1 worker (tutorial default)", "Django"),
    "was-gunicorn-sync": Rung("WSGI", "Gunicorn sync, 2 x cores + 1 workers", "Django"),
    "was-uvicorn-worker": Rung("ASGI", "Gunicorn with uvicorn-worker's UvicornWorker", "FastAPI"),
    "was-granian-wsgi": Rung("WSGI", "Granian", "Django"),
    "was-granian-asgi": Rung("ASGI", "Granian", "FastAPI"),
}


def prefix(backend: str) -> str:
    """Where the edge mounts a backend, and where its app serves directly: django, was/granian-wsgi."""
    return "was/" + backend.removeprefix("was-") if backend in VARIANTS else backend


@dataclass(frozen=True)
class Request:
    """What a URL-driven generator sends, again and again."""

    method: str
    url: str
    body: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Cell:
    """One run of the load generator: a workload of a backend, through a route."""

    route: str
    backend: str
    workload: str
    user_class: str
    host: str

    @property
    def slug(self) -> str:
        """File-name-safe identifier, also the label in tables and charts."""
        return f"{self.route}-{self.backend}-{self.workload}"

    @property
    def rung(self) -> Rung:
        return LADDER[self.backend]

    @property
    def request(self) -> Request:
        if self.workload in EDGE_PATHS:
            return Request("GET", f"{self.host}{EDGE_PATHS[self.workload]}")
        url = f"{self.host}/{prefix(self.backend)}{PATHS[self.workload]}"
        if self.workload == "post_messages":
            body = json.dumps({"author": f"wrk-{self.backend}", "text": "load test message"})
            return Request("POST", url, body, "application/json")
        return Request("GET", url)


def build_matrix(
    backends: list[str],
    workloads: list[str],
    routes: list[str],
    edge_host: str,
    direct_hosts: dict[str, str],
) -> tuple[list[Cell], list[str]]:
    """Cells in run order (nginx alone first: the calibration), and notes on skipped ones."""
    cells: list[Cell] = []
    notes: list[str] = []
    if "edge" in routes:
        cells += [
            Cell("edge", EDGE_SERVICE, workload, STATIC_USER_CLASS, edge_host)
            for workload in EDGE_WORKLOADS
            if workload in workloads
        ]
    app_workloads = [w for w in workloads if w not in EDGE_WORKLOADS]
    for workload in app_workloads:
        for backend in backends:
            if ONLY_BACKEND.get(workload, backend) != backend:
                continue
            user_class = USER_CLASSES[backend]
            if "edge" in routes:
                cells.append(Cell("edge", backend, workload, user_class, edge_host))
            if "direct" in routes and backend in direct_hosts:
                host = direct_hosts[backend]
                cells.append(Cell("direct", backend, workload, user_class, host))
    if "direct" in routes and app_workloads:
        for backend in backends:
            if backend not in direct_hosts:
                notes.append(f"{backend}: {NO_DIRECT_REASON.get(backend, 'no direct host')}")
    return cells, notes
