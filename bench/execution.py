"""Run one cell: its load generator, started by an Executor, while the stack is sampled."""

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol

from bench.cell_stats import CellStats, TimeSeries
from bench.docker_stats import ServiceUsage, StatsSampler
from bench.generators import Generator, Load
from bench.matrix import EDGE_SERVICE, EDGE_WORKLOADS, Cell
from bench.settle import Settled, wait_until_quiet
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
    settled: Settled | None = None  # the wait for the cell before it to go quiet (bench/settle.py)
    retried: "Retried | None" = None  # this is a second run of the cell; why, and what the first measured


@dataclass(frozen=True)
class Retried:
    """A cell's first run, replaced by a second one: its flag and its throughput."""

    flag: str
    requests_per_second: float | None


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

    def session(self, directory: Path, run_id: str, seconds: float) -> AbstractContextManager[None]:
        """The generator ready to write the cells' files into directory, for up to
        seconds; whatever it started for them is gone on leaving, also on an error."""
        ...

    def start(self, cell: Cell, load: Load, directory: Path, log: IO[str]) -> subprocess.Popen[str]:
        """Start the cell's generator, writing its files into directory and its output into log."""
        ...

    def stop(self, process: subprocess.Popen[str]) -> None:
        """End a cell's generator that ran past its deadline."""
        ...

    def sampler(self, cell: Cell) -> Sampler:
        """What samples resource use while the cell runs."""
        ...

    def settle(self, previous: Cell) -> Settled | None:
        """Wait until the services `previous` loaded are quiet (None: nothing to wait for)."""
        ...

    def stack(self) -> dict[str, Any]:
        """The engine and the size settings the measured stack runs with."""
        ...


def services_measured(cells: list[Cell]) -> set[str]:
    """The compose services a matrix loads: the edge and/or each backend."""
    needed = {EDGE_SERVICE if cell.route == "edge" else cell.backend for cell in cells}
    return needed | {cell.backend for cell in cells if cell.workload not in EDGE_WORKLOADS}


class GeneratorContainer:
    """The run's one container of the generator's service, idle between cells:
    each cell's generator is `docker exec`'d into it.

    Starting a container per cell (`compose run`) took about 3 s of every cell
    on a 2-core host; an exec takes a fraction of one. The generator's own CPU
    stays its own: wrk reads it from its process (report.lua), and `docker
    stats` of this container, sampled only while a cell's process runs, is
    that process's, the idle `sleep` costing nothing.
    """

    def __init__(self, compose: Compose, service: str, name: str, directory: Path, seconds: float) -> None:
        self.compose = compose
        self.service = service
        self.name = name
        self.directory = directory
        self.seconds = seconds
        self.running = False

    def start(self) -> None:
        self.running = True  # before the call: an interrupted start is still removed
        # `--rm` with `sleep` bounded by the run's length: a container the bench
        # could not remove (it was killed) removes itself.
        self.compose(
            "run",
            "--detach",
            "--rm",
            "--no-deps",  # measure the running stack, never start or restart it
            f"--name={self.name}",
            f"--volume={self.directory.resolve()}:{CONTAINER_OUTPUT}",
            "--entrypoint=sleep",
            self.service,
            f"{self.seconds:.0f}",
        )

    def remove(self) -> None:
        """Gone, and whatever runs in it (`--force`: `sleep` as PID 1 ignores SIGTERM)."""
        if self.running:
            subprocess.run(["docker", "rm", "--force", self.name], capture_output=True, timeout=60)
            self.running = False

    def exec_command(self, command: list[str]) -> list[str]:
        return ["docker", "exec", self.name, *command]


class ComposeExecutor:
    """The generator's compose service: one container per run, a `docker exec` per cell.

    The container joins the service's networks (the edge, the app servers'
    fronts) and is sampled with the stack by `docker stats`, so the load
    generator's own CPU shows beside the services'.
    """

    def __init__(self, compose: Compose, generator: Generator, service: str | None = None) -> None:
        self.compose = compose
        self.generator = generator
        self.service = service or generator.service
        self.services: dict[str, str] = {}  # the stack's containers: name -> service
        self.container: GeneratorContainer | None = None

    def unavailable(self, cells: list[Cell]) -> str | None:
        # The generator's container comes from the service's config; what the
        # cells measure must already run (`run --no-deps` starts nothing).
        if shutil.which(self.compose.command[0]) is None:
            return f"{self.compose.command[0]} not found"
        try:
            running = set(self.compose.running_services().values())
        except subprocess.CalledProcessError as error:
            return f"docker compose ps failed: {error.stderr.strip()}"
        missing = sorted(services_measured(cells) - running)
        return f"not running: {', '.join(missing)} (start the stack with `make up`)" if missing else None

    @contextmanager
    def session(self, directory: Path, run_id: str, seconds: float) -> Iterator[None]:
        """Let the container's user write the cell files into a bind mount, build
        its image if missing, start the container; remove it on leaving."""
        try:
            os.chown(directory, GENERATOR_UIDS.get(self.generator.name, -1), -1)
        except PermissionError:
            directory.chmod(0o777)
        # `up` builds no profiled service (wrk); cached, this takes a second,
        # and the first cell does not time an image build.
        self.compose("build", "--quiet", self.service)
        # The stack's containers are the same for the whole run: read once, not per cell.
        self.services = self.compose.running_services()
        self.container = GeneratorContainer(self.compose, self.service, f"gateway-bench-{run_id}", directory, seconds)
        try:
            self.container.start()
            yield
        finally:
            self.container.remove()

    def _container(self) -> GeneratorContainer:
        if self.container is None:
            raise RuntimeError("no session: run cells inside ComposeExecutor.session()")
        return self.container

    def command(self, cell: Cell, load: Load) -> list[str]:
        container = self._container()
        return container.exec_command(self.generator.command(cell, load, f"{CONTAINER_OUTPUT}/{cell.slug}"))

    def start(self, cell: Cell, load: Load, directory: Path, log: IO[str]) -> subprocess.Popen[str]:
        container = self._container()
        if not container.running:  # the previous cell overran and took it down
            container.start()
        return subprocess.Popen(self.command(cell, load), stdout=log, stderr=subprocess.STDOUT)

    def stop(self, process: subprocess.Popen[str]) -> None:
        # An exec'd process outlives its `docker exec` client: removing the
        # container ends it; the next cell starts a new one.
        self._container().remove()
        process.terminate()
        process.wait()

    def sampler(self, cell: Cell) -> Sampler:
        services = {**self.services, self._container().name: LOAD_GENERATOR}
        loaded = services_measured([cell])  # the peak memory of each process of these
        processes = {container: service for container, service in self.services.items() if service in loaded}
        # Started once the cell's process is: a sample still under way when it
        # ends would reach past the load, and waiting for it costs up to 2 s.
        return StatsSampler(services, during=LOAD_GENERATOR, wait_for_last=False, processes_of=processes)

    def settle(self, previous: Cell) -> Settled:
        loaded = services_measured([previous])
        return wait_until_quiet([container for container, service in self.services.items() if service in loaded])

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

    def session(self, directory: Path, run_id: str, seconds: float) -> AbstractContextManager[None]:
        return nullcontext()  # the generator runs as this user, a process per cell

    def command(self, cell: Cell, load: Load, directory: Path) -> list[str]:
        return self.generator.command(cell, load, str(directory / cell.slug))

    def start(self, cell: Cell, load: Load, directory: Path, log: IO[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(self.command(cell, load, directory), stdout=log, stderr=subprocess.STDOUT)

    def stop(self, process: subprocess.Popen[str]) -> None:
        process.terminate()
        process.wait()

    def sampler(self, cell: Cell) -> Sampler:
        return NoSampler()

    def settle(self, previous: Cell) -> None:
        return None  # the target's processes are not ours to read

    def stack(self) -> dict[str, Any]:
        # The target may be anywhere: what it runs with is not ours to read.
        return {"engine": None, "settings": {}}


def run_cell(
    cell: Cell,
    load: Load,
    directory: Path,
    executor: Executor,
    on_tick: Callable[[float], None],
    previous: Cell | None = None,
) -> CellOutcome:
    """Run one cell to completion, ticking about twice a second; inside the executor's session.
    After `previous`, first wait for what it loaded to go quiet."""
    settled = executor.settle(previous) if previous is not None else None
    log_path = directory / f"{cell.slug}.log"
    with log_path.open("w") as log:
        process = executor.start(cell, load, directory, log)
        started = time.monotonic()
        deadline = started + load.duration_seconds + GRACE_SECONDS
        with executor.sampler(cell) as sampler:
            while True:
                try:
                    process.wait(timeout=0.5)  # returns as soon as the generator exits
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() > deadline:
                        executor.stop(process)
                        break
                    on_tick(time.monotonic() - started)
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
        settled=settled,
    )
