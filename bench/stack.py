"""The running stack as Docker Compose sees it: services, size settings, engine."""

import json
import subprocess
from pathlib import Path

from bench.process_memory import read_all, worker_count

# The size settings of docs/conventions.md, read from the containers' own
# environment: what the stack ran with, never what .env says it should.
SIZE_SETTINGS = ("GUNICORN_WORKERS", "GUNICORN_THREADS", "UVICORN_WORKERS", "DB_POOL_MAX", "FCGI_CHILDREN")
SERVICE_LABEL = "com.docker.compose.service"
# Beside a worker count's setting, the worker processes counted in the service's
# containers: a server config may set its own count and ignore the variable (the
# server matrix's gunicorn_sync_1.conf.py: 1, gunicorn_sync.conf.py: 2 x CONTAINER_CPUS + 1).
WORKER_SETTINGS = ("GUNICORN_WORKERS", "UVICORN_WORKERS")
WORKERS = "workers"


def parse_ps(output: str) -> dict[str, str]:
    """`compose ps --format json` -> container name: service."""
    output = output.strip()
    # Compose before 2.21 prints one JSON array, later one object per line.
    records = json.loads(output) if output.startswith("[") else [json.loads(line) for line in output.splitlines()]
    return {record["Name"]: record["Service"] for record in records}


def settings_from_inspect(output: str) -> dict[str, dict[str, str]]:
    """`docker inspect` of the stack's containers -> service: {setting: value}.

    Only services that have at least one of SIZE_SETTINGS appear.
    """
    settings: dict[str, dict[str, str]] = {}
    for container in json.loads(output):
        service = container["Config"]["Labels"].get(SERVICE_LABEL, container["Name"].lstrip("/"))
        environment = dict(item.partition("=")[::2] for item in container["Config"]["Env"] or [])
        found = {name: environment[name] for name in SIZE_SETTINGS if name in environment}
        if found:
            settings.setdefault(service, {}).update(found)
    return dict(sorted(settings.items()))


class Compose:
    """`docker compose` (or another compose command) in the project directory."""

    def __init__(self, command: list[str], project_dir: Path) -> None:
        self.command = command
        self.project_dir = project_dir  # where docker-compose.yml lives

    def __call__(self, *args: str) -> str:
        return subprocess.run(
            [*self.command, *args], cwd=self.project_dir, capture_output=True, text=True, check=True
        ).stdout

    def running_services(self) -> dict[str, str]:
        """Container name -> service for the running stack."""
        return parse_ps(self("ps", "--format", "json"))

    def container_ids(self) -> list[str]:
        return self("ps", "-q").split()

    def size_settings(self) -> dict[str, dict[str, str]]:
        """Each sized service's settings, and the worker processes counted in its containers."""
        ids = self.container_ids()
        settings = settings_from_inspect(docker("inspect", *ids)) if ids else {}
        containers = {
            name: service
            for name, service in self.running_services().items()
            if any(setting in settings.get(service, {}) for setting in WORKER_SETTINGS)
        }
        counted = read_all(list(containers))
        for container, peaks in counted.items():
            if peaks is not None:
                settings[containers[container]][WORKERS] = counted_workers(
                    settings[containers[container]].get(WORKERS), worker_count(peaks)
                )
        return settings


def counted_workers(previous: str | None, count: int) -> str:
    """'2', or '2+2' for a service of two containers."""
    return str(count) if previous is None else f"{previous}+{count}"


def docker(*args: str) -> str:
    """The engine's own CLI (stats, inspect)."""
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True, timeout=60).stdout


def engine_version() -> str | None:
    """The Docker engine's version, or None without an engine."""
    try:
        result = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None
