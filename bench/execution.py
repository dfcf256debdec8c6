"""Run one cell: its load generator, started by an Executor, while the stack is sampled."""

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol

from bench.cell_stats import CellStats, TimeSeries
from bench.docker_stats import ServiceUsage, StatsSampler
from bench.generators import Generator, Load
from bench.matrix import EDGE_SERVICE, EDGE_WORKLOADS, Cell
from bench.stack import Compose, engine_version

GENERATOR_UIDS = {"locust": 10002, "wrk": 10003}  # the images' runtime users (loadtest/Dockerfile, loadtest/wrk/)
CONTAINER_OUTPUT = "/reports"
LOAD_GENERATOR = "load generator"  # its container's label among the services in docker stats
GRACE_SECONDS = 60  # startup, --stop-timeout and report writing, before we kill


@dataclass
class CellOutcome:
    cell: Cell
    exit_code: int
    stats: CellStats | None
    failure_reasons: list[str]
    locust_cpu_warning: bool
    run_seconds: float | None = None  # how long the load ran, by the generator's own clock
    usage: dict[str, ServiceUsage] = field(default_factory=dict)
    generator: str = "wrk"
    generator_cores: int = 1
    generator_cpu_seconds: float | None = None  # its own count; else its container's docker stats
    series: TimeSeries | None = None  # the cell second by second, where the generator gives it
    server_timing: dict[str, dict[str, float]] | None = None  # per phase, where the responses carry it


class Sampler(Protocol):
    """Resource use of the stack while one cell runs."""

    def __enter__(self) -> "Sampler": ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...

    def usage(self) -> dict[str, ServiceUsage]: ...


class Executor(Protocol):
    """One way of running a cell's generator (the run loop never asks which)."""

    generator: Generator

    def unavailable(self, cells: list[Cell]) -> str | None:
        """A reason not to start, or None."""
        ...

    def prepare(self, directory: Path) -> None:
        """Make the cells' output directory writable for the generator, and have it ready to start."""
        ...

    def start(self, cell: Cell, load: Load, directory: Path, run_id: str, log: IO[str]) -> subprocess.Popen[str]:
        """Start the cell's generator, writing its files into directory and its output into log."""
        ...

    def sampler(self, cell: Cell, run_id: str) -> Sampler:
        """What samples resource use while the cell runs."""
        ...

    def stack(self) -> dict[str, Any]:
        """The engine and the size settings the measured stack runs with."""
        ...


def services_measured(cells: list[Cell]) -> set[str]:
    """The compose services a matrix loads: the edge and/or each backend."""
    needed = {EDGE_SERVICE if cell.route == "edge" else cell.backend for cell in cells}
    return needed | {cell.backend for cell in cells if cell.workload not in EDGE_WORKLOADS}


class ComposeExecutor:
    """`docker compose run --rm` of the generator's service, one container per cell.

    A fresh container per cell keeps cells independent and lets `docker stats`
    attribute the load generator's own CPU to it.
    """

    def __init__(self, compose: Compose, generator: Generator, service: str | None = None) -> None:
        self.compose = compose
        self.generator = generator
        self.service = service or generator.service

    def unavailable(self, cells: list[Cell]) -> str | None:
        # The cells' own containers come from the service's config; what they
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
        """Let the container's user write the cell files into a bind mount; build its image if missing."""
        try:
            os.chown(directory, GENERATOR_UIDS.get(self.generator.name, -1), -1)
        except PermissionError:
            directory.chmod(0o777)
        # `up` builds no profiled service (wrk); cached, this takes a second,
        # and the first cell does not time an image build.
        self.compose("build", "--quiet", self.service)

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
            *self.generator.command(cell, load, f"{CONTAINER_OUTPUT}/{cell.slug}"),
        ]

    def start(self, cell: Cell, load: Load, directory: Path, run_id: str, log: IO[str]) -> subprocess.Popen[str]:
        command = self.command(cell, load, directory, run_id)
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=self.compose.project_dir)

    def sampler(self, cell: Cell, run_id: str) -> Sampler:
        services = self.compose.running_services()
        loaded = services_measured([cell])  # the peak memory of each process of these
        processes = {container: service for container, service in services.items() if service in loaded}
        services[self.container_name(cell, run_id)] = LOAD_GENERATOR
        return StatsSampler(services, during=LOAD_GENERATOR, processes_of=processes)

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
    """The generator from this machine's PATH against any target: no containers, no sampling."""

    def __init__(self, generator: Generator, executable: str) -> None:
        self.generator = generator
        self.executable = executable

    def unavailable(self, cells: list[Cell]) -> str | None:
        return None if shutil.which(self.executable) else f"{self.executable} not found"

    def prepare(self, directory: Path) -> None:
        return None  # the generator runs as this user

    def command(self, cell: Cell, load: Load, directory: Path, run_id: str) -> list[str]:
        return self.generator.command(cell, load, str(directory / cell.slug))

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
    reading = executor.generator.read(cell, directory, log_path.read_text(errors="replace"))
    return CellOutcome(
        cell=cell,
        exit_code=process.returncode,
        stats=reading.stats,
        failure_reasons=reading.failure_reasons,
        locust_cpu_warning=reading.cpu_warning,
        run_seconds=reading.run_seconds,
        usage=sampler.usage(),
        generator=executor.generator.name,
        generator_cores=executor.generator.cores(load),
        generator_cpu_seconds=reading.cpu_seconds,
        series=reading.series,
        server_timing=reading.server_timing,
    )
