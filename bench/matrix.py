"""The benchmark matrix: which Locust run each cell is."""

from dataclasses import dataclass

BACKENDS = ("cgi", "django", "fastapi", "django-asgi")
WORKLOADS = ("hello", "json", "db", "queries", "fortunes", "io", "static")
ROUTES = ("edge", "direct")

STATIC_WORKLOAD = "static"
EDGE_SERVICE = "nginx"
USER_CLASSES = {"cgi": "CgiUser", "django": "DjangoUser", "fastapi": "FastapiUser", "django-asgi": "DjangoAsgiUser"}
STATIC_USER_CLASS = "StaticUser"

DEFAULT_EDGE_HOST = "https://nginx"
# Same paths as through the edge (each app knows its prefix). CGI has none:
# fcgiwrap speaks only FastCGI, the edge is its one HTTP server.
DEFAULT_DIRECT_HOSTS = {
    "django": "http://django:8000",
    "fastapi": "http://fastapi:8000",
    "django-asgi": "http://django-asgi:8000",
}
NO_DIRECT_REASON = {"cgi": "no direct cell: fcgiwrap speaks FastCGI only, Nginx is its HTTP server"}


@dataclass(frozen=True)
class Cell:
    """One headless Locust run: a user class, a tag and a target."""

    route: str
    backend: str
    workload: str
    user_class: str
    host: str

    @property
    def slug(self) -> str:
        """File-name-safe identifier, also the label in tables and charts."""
        return f"{self.route}-{self.backend}-{self.workload}"


def build_matrix(
    backends: list[str],
    workloads: list[str],
    routes: list[str],
    edge_host: str,
    direct_hosts: dict[str, str],
) -> tuple[list[Cell], list[str]]:
    """Cells in run order (static first: the ceiling), and notes on skipped ones."""
    cells: list[Cell] = []
    notes: list[str] = []
    if STATIC_WORKLOAD in workloads and "edge" in routes:
        cells.append(Cell("edge", EDGE_SERVICE, STATIC_WORKLOAD, STATIC_USER_CLASS, edge_host))
    app_workloads = [w for w in workloads if w != STATIC_WORKLOAD]
    for workload in app_workloads:
        for backend in backends:
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
