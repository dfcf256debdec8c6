"""Run one cell: a headless Locust in a compose container (or locally)."""

import contextlib
import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.docker_stats import ServiceUsage, StatsSampler
from bench.locust_csv import LocustStats, read_failure_reasons, read_stats, saw_cpu_warning
from bench.matrix import Cell

LOCUST_UID = 10002  # the image's runtime user (loadtest/Dockerfile)
CONTAINER_OUTPUT = "/reports"
LOAD_GENERATOR = "locust (load generator)"
GRACE_SECONDS = 60  # startup, --stop-timeout and report writing, before we kill


@dataclass(frozen=True)
class Load:
    """How hard each cell pushes, the same for every cell."""

    users: int
    spawn_rate: float
    duration_seconds: int


@dataclass
class CellOutcome:
    cell: Cell
    exit_code: int
    stats: LocustStats | None
    failure_reasons: list[str]
    locust_cpu_warning: bool
    usage: dict[str, ServiceUsage] = field(default_factory=dict)


def locust_arguments(cell: Cell, load: Load, output_prefix: str) -> list[str]:
    """The headless Locust command line for a cell (without the executable)."""
    return [
        "--headless",
        "--only-summary",
        f"--users={load.users}",
        f"--spawn-rate={load.spawn_rate:g}",
        f"--run-time={load.duration_seconds}s",
        # Measure the steady state only, not the ramp-up.
        "--reset-stats",
        f"--host={cell.host}",
        f"--tags={cell.workload}",
        f"--csv={output_prefix}",
        f"--html={output_prefix}.html",
        cell.user_class,
    ]


class ComposeExecutor:
    """`docker compose run --rm` of the Locust service, one container per cell.

    A fresh container per cell keeps cells independent and lets `docker stats`
    attribute the load generator's own CPU to it.
    """

    def __init__(self, compose: list[str], service: str, project_dir: Path) -> None:
        self.compose = compose
        self.service = service
        self.cwd: Path | None = project_dir  # where docker-compose.yml lives

    def _compose(self, *args: str) -> str:
        return subprocess.run(
            [*self.compose, *args],
            cwd=self.cwd,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def running_services(self) -> dict[str, str]:
        """Container name -> service for the running stack."""
        output = self._compose("ps", "--format", "json").strip()
        # Compose before 2.21 prints one JSON array, later one object per line.
        if output.startswith("["):
            records = json.loads(output)
        else:
            records = [json.loads(line) for line in output.splitlines() if line]
        return {record["Name"]: record["Service"] for record in records}

    def prepare_output(self, directory: Path) -> None:
        """Let the container's user write the cell files into a bind mount."""
        try:
            os.chown(directory, LOCUST_UID, -1)
        except PermissionError:
            directory.chmod(0o777)

    def container_name(self, cell: Cell, run_id: str) -> str:
        return f"gateway-bench-{run_id}-{cell.slug}"

    def command(self, cell: Cell, load: Load, directory: Path, run_id: str) -> list[str]:
        return [
            *self.compose,
            "run",
            "--rm",
            "--no-deps",  # measure the running stack, never start or restart it
            f"--name={self.container_name(cell, run_id)}",
            f"--volume={directory.resolve()}:{CONTAINER_OUTPUT}",
            self.service,
            "locust",
            *locust_arguments(cell, load, f"{CONTAINER_OUTPUT}/{cell.slug}"),
        ]


class LocalExecutor:
    """Locust from this machine's PATH: no containers, no resource sampling."""

    def __init__(self, locust: list[str], locustfile: Path) -> None:
        self.locust = locust
        self.locustfile = locustfile
        self.cwd: Path | None = None

    def command(self, cell: Cell, load: Load, directory: Path, run_id: str) -> list[str]:
        prefix = str(directory / cell.slug)
        return [*self.locust, f"--locustfile={self.locustfile}", *locust_arguments(cell, load, prefix)]


def run_cell(
    cell: Cell,
    load: Load,
    directory: Path,
    run_id: str,
    executor: ComposeExecutor | LocalExecutor,
    on_tick: Callable[[float], None],
) -> CellOutcome:
    """Run one cell to completion, ticking about twice a second."""
    log_path = directory / f"{cell.slug}.log"
    command = executor.command(cell, load, directory, run_id)
    sampler: StatsSampler | None = None
    if isinstance(executor, ComposeExecutor):
        services = executor.running_services()
        services[executor.container_name(cell, run_id)] = LOAD_GENERATOR
        sampler = StatsSampler(services)
    with log_path.open("w") as log, sampler or contextlib.nullcontext():
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=executor.cwd)
        started = time.monotonic()
        deadline = started + load.duration_seconds + GRACE_SECONDS
        while process.poll() is None:
            if time.monotonic() > deadline:
                process.terminate()
                process.wait()
                break
            on_tick(time.monotonic() - started)
            time.sleep(0.5)
    return _collect(cell, directory, process.returncode, log_path, sampler)


def _collect(cell: Cell, directory: Path, exit_code: int, log_path: Path, sampler: StatsSampler | None) -> CellOutcome:
    stats_csv = directory / f"{cell.slug}_stats.csv"
    try:
        stats = read_stats(stats_csv)
    except (OSError, ValueError, KeyError):
        stats = None
    return CellOutcome(
        cell=cell,
        exit_code=exit_code,
        stats=stats,
        failure_reasons=read_failure_reasons(directory / f"{cell.slug}_failures.csv"),
        locust_cpu_warning=saw_cpu_warning(log_path.read_text(errors="replace")),
        usage=sampler.usage() if sampler else {},
    )
