"""Run one cell: a headless Locust, started by an Executor."""

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol

from bench.docker_stats import ServiceUsage, StatsSampler
from bench.locust_csv import LocustStats, read_failure_reasons, read_stats, run_seconds, saw_cpu_warning
from bench.matrix import EDGE_SERVICE, STATIC_WORKLOAD, Cell
from bench.stack import Compose, engine_version

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
    run_seconds: float | None = None  # what Locust ran of --run-time, from its log
    usage: dict[str, ServiceUsage] = field(default_factory=dict)


class Sampler(Protocol):
    """Resource use of the stack while one cell runs."""

    def __enter__(self) -> "Sampler": ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...

    def usage(self) -> dict[str, ServiceUsage]: ...


class Executor(Protocol):
    """One way of running a cell's Locust (the run loop never asks which)."""

    def unavailable(self, cells: list[Cell]) -> str | None:
        """A reason not to start, or None."""
        ...

    def prepare(self, directory: Path) -> None:
        """Make the cells' output directory writable for Locust."""
        ...

    def start(self, cell: Cell, load: Load, directory: Path, run_id: str, log: IO[str]) -> subprocess.Popen[str]:
        """Start the cell's Locust, writing its CSV and HTML into directory."""
        ...

    def sampler(self, cell: Cell, run_id: str) -> Sampler:
        """What samples resource use while the cell runs."""
        ...

    def stack(self) -> dict[str, Any]:
        """The engine and the size settings the measured stack runs with."""
        ...


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


def services_measured(cells: list[Cell]) -> set[str]:
    """The compose services a matrix loads: the edge and/or each backend."""
    needed = {EDGE_SERVICE if cell.route == "edge" else cell.backend for cell in cells}
    return needed | {cell.backend for cell in cells if cell.workload != STATIC_WORKLOAD}


class ComposeExecutor:
    """`docker compose run --rm` of the Locust service, one container per cell.

    A fresh container per cell keeps cells independent and lets `docker stats`
    attribute the load generator's own CPU to it.
    """

    def __init__(self, compose: Compose, service: str) -> None:
        self.compose = compose
        self.service = service

    def unavailable(self, cells: list[Cell]) -> str | None:
        # The cells' own containers come from --service's config; what they
        # measure must already run (`run --no-deps` starts nothing).
        if shutil.which(self.compose.command[0]) is None:
            return f"{self.compose.command[0]} not found"
        try:
            running = set(self.compose.running_services().values())
        except subprocess.CalledProcessError as error:
            return f"docker compose ps failed: {error.stderr.strip()}"
        missing = sorted(services_measured(cells) - running)
        return f"not running: {', '.join(missing)} (start the stack with `make up`)" if missing else None

    def prepare(self, directory: Path) -> None:
        """Let the container's user write the cell files into a bind mount."""
        try:
            os.chown(directory, LOCUST_UID, -1)
        except PermissionError:
            directory.chmod(0o777)

    def container_name(self, cell: Cell, run_id: str) -> str:
        return f"gateway-bench-{run_id}-{cell.slug}"

    def command(self, cell: Cell, load: Load, directory: Path, run_id: str) -> list[str]:
        return [
            *self.compose.command,
            "run",
            "--rm",
            "--no-deps",  # measure the running stack, never start or restart it
            f"--name={self.container_name(cell, run_id)}",
            f"--volume={directory.resolve()}:{CONTAINER_OUTPUT}",
            self.service,
            "locust",
            *locust_arguments(cell, load, f"{CONTAINER_OUTPUT}/{cell.slug}"),
        ]

    def start(self, cell: Cell, load: Load, directory: Path, run_id: str, log: IO[str]) -> subprocess.Popen[str]:
        command = self.command(cell, load, directory, run_id)
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=self.compose.project_dir)

    def sampler(self, cell: Cell, run_id: str) -> Sampler:
        services = self.compose.running_services()
        services[self.container_name(cell, run_id)] = LOAD_GENERATOR
        return StatsSampler(services)

    def stack(self) -> dict[str, Any]:
        return {"engine": engine_version(), "settings": self.compose.size_settings()}


class NoSampler:
    """No containers of ours to sample."""

    def __enter__(self) -> "NoSampler":
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def usage(self) -> dict[str, ServiceUsage]:
        return {}


class LocalExecutor:
    """Locust from this machine's PATH against any target: no containers, no sampling."""

    def __init__(self, locust: list[str], locustfile: Path) -> None:
        self.locust = locust
        self.locustfile = locustfile

    def unavailable(self, cells: list[Cell]) -> str | None:
        return None if shutil.which(self.locust[0]) else f"{self.locust[0]} not found"

    def prepare(self, directory: Path) -> None:
        return None  # Locust runs as this user

    def command(self, cell: Cell, load: Load, directory: Path, run_id: str) -> list[str]:
        prefix = str(directory / cell.slug)
        return [*self.locust, f"--locustfile={self.locustfile}", *locust_arguments(cell, load, prefix)]

    def start(self, cell: Cell, load: Load, directory: Path, run_id: str, log: IO[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(self.command(cell, load, directory, run_id), stdout=log, stderr=subprocess.STDOUT)

    def sampler(self, cell: Cell, run_id: str) -> Sampler:
        return NoSampler()

    def stack(self) -> dict[str, Any]:
        # The target may be anywhere: what it runs with is not ours to read.
        return {"engine": None, "settings": {}}


def run_cell(
    cell: Cell,
    load: Load,
    directory: Path,
    run_id: str,
    executor: Executor,
    on_tick: Callable[[float], None],
) -> CellOutcome:
    """Run one cell to completion, ticking about twice a second."""
    log_path = directory / f"{cell.slug}.log"
    with log_path.open("w") as log, executor.sampler(cell, run_id) as sampler:
        process = executor.start(cell, load, directory, run_id, log)
        started = time.monotonic()
        deadline = started + load.duration_seconds + GRACE_SECONDS
        while process.poll() is None:
            if time.monotonic() > deadline:
                process.terminate()
                process.wait()
                break
            on_tick(time.monotonic() - started)
            time.sleep(0.5)
    return _collect(cell, directory, process.returncode, log_path, sampler.usage())


def _collect(
    cell: Cell, directory: Path, exit_code: int, log_path: Path, usage: dict[str, ServiceUsage]
) -> CellOutcome:
    stats_csv = directory / f"{cell.slug}_stats.csv"
    log_text = log_path.read_text(errors="replace")
    try:
        stats = read_stats(stats_csv)
    except (OSError, ValueError, KeyError):
        stats = None
    return CellOutcome(
        cell=cell,
        exit_code=exit_code,
        stats=stats,
        failure_reasons=read_failure_reasons(directory / f"{cell.slug}_failures.csv"),
        locust_cpu_warning=saw_cpu_warning(log_text),
        run_seconds=run_seconds(log_text),
        usage=usage,
    )
