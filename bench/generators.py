"""The load generators a cell can run: wrk (the default) and Locust.

Each builds its command line for a cell and reads the cell's numbers back
from what it wrote; where it runs (a compose container, this machine) is the
Executor's business (bench/execution.py).
"""

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from bench.cell_stats import CellStats, TimeSeries
from bench.locust_csv import read_failure_reasons, read_history, read_stats, run_seconds, saw_cpu_warning
from bench.matrix import Cell
from bench.wrk_result import parse, parse_server_timing


@dataclass(frozen=True)
class Load:
    """How hard each cell pushes, the same for every cell."""

    users: int  # Locust users, wrk connections: requests in flight at any time
    spawn_rate: float  # Locust only: wrk opens every connection at once
    duration_seconds: int
    generator: str = "wrk"
    threads: int = 1  # wrk only: Locust runs one process


@dataclass(frozen=True)
class Reading:
    """What a generator reported about one cell."""

    stats: CellStats | None
    failure_reasons: list[str]
    cpu_warning: bool  # the generator said itself that it ran out of CPU (Locust does)
    run_seconds: float | None  # how long the load ran, by the generator's own clock
    cpu_seconds: float | None = None  # the generator's own CPU time, where it reports it (wrk)
    series: TimeSeries | None = None  # the cell second by second
    # Per phase of the responses' Server-Timing: {"responses": n, "mean_ms": x} (wrk, CGI cells).
    server_timing: dict[str, dict[str, float]] | None = None


class Generator(Protocol):
    name: str
    service: str
    """The compose service whose image runs it."""

    def cores(self, load: Load) -> int:
        """How many cores it can use at most: 80 % of them is the flag."""
        ...

    def command(self, cell: Cell, load: Load, output_prefix: str) -> list[str]:
        """The cell's command line; files it writes start with output_prefix."""
        ...

    def read(self, cell: Cell, directory: Path, log_text: str) -> Reading:
        """The cell's numbers, from its files in directory and its output."""
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


class LocustGenerator:
    """Locust headless: the scenarios of loadtest/, every answer checked, in Python."""

    name = "locust"
    service = "locust"

    def __init__(self, executable: list[str]) -> None:
        self.executable = executable

    def cores(self, load: Load) -> int:
        return 1  # one process; gevent runs its users on one core

    def command(self, cell: Cell, load: Load, output_prefix: str) -> list[str]:
        return [*self.executable, *locust_arguments(cell, load, output_prefix)]

    def read(self, cell: Cell, directory: Path, log_text: str) -> Reading:
        try:
            stats = read_stats(directory / f"{cell.slug}_stats.csv")
        except (OSError, ValueError, KeyError):
            stats = None
        return Reading(
            stats=stats,
            failure_reasons=read_failure_reasons(directory / f"{cell.slug}_failures.csv"),
            cpu_warning=saw_cpu_warning(log_text),
            run_seconds=run_seconds(log_text),
            series=read_history(directory / f"{cell.slug}_stats_history.csv"),
        )


# The backends whose responses carry Server-Timing (cgi_app/gateway_cgi/timing.py):
# their cells run server-timing.lua, which reads it (and costs wrk more CPU per
# response, at rates where that does not matter), beside report.lua.
SERVER_TIMING_BACKENDS = ("cgi",)
SERVER_TIMING_SCRIPT = "server-timing.lua"  # next to report.lua (loadtest/wrk/)

# An answer slower than this counts as failed (wrk's default is 2 s, less
# than a CGI /db takes when 20 requests queue for a few processes).
WRK_TIMEOUT = "10s"


class WrkGenerator:
    """wrk with loadtest/wrk/report.lua: one request repeated on every connection, in C.

    It counts answers above 399 and socket errors as failed; it does not read
    the bodies (the end-to-end tests check those).
    """

    name = "wrk"
    service = "wrk"

    def __init__(self, executable: list[str], script: str) -> None:
        self.executable = executable
        self.script = script

    def script_for(self, cell: Cell) -> str:
        """report.lua, or server-timing.lua beside it for a backend that times its phases."""
        if cell.backend in SERVER_TIMING_BACKENDS:
            return str(PurePosixPath(self.script).with_name(SERVER_TIMING_SCRIPT))
        return self.script

    def cores(self, load: Load) -> int:
        return load.threads  # one event loop per thread

    def command(self, cell: Cell, load: Load, output_prefix: str) -> list[str]:
        request = cell.request
        body = [] if request.body is None else ["--", request.method, request.body, request.content_type or ""]
        return [
            *self.executable,
            f"--threads={load.threads}",
            f"--connections={load.users}",
            f"--duration={load.duration_seconds}s",
            f"--timeout={WRK_TIMEOUT}",
            f"--script={self.script_for(cell)}",
            request.url,
            *body,
        ]

    def read(self, cell: Cell, directory: Path, log_text: str) -> Reading:
        try:
            result = parse(log_text)
        except (ValueError, KeyError):
            return Reading(stats=None, failure_reasons=[], cpu_warning=False, run_seconds=None)
        return Reading(
            result.stats,
            result.failure_reasons,
            False,
            result.run_seconds,
            result.cpu_seconds,
            result.series,
            parse_server_timing(log_text),
        )
