"""Before a cell: wait until the services the cell before it loaded have gone quiet.

Stopping the generator does not stop the work it queued. After `edge-cgi-db`
(20 connections, 8 CGI children), fcgiwrap went on running the requests nginx
had already passed on, for clients long gone: the cgi container used 20-50 %
of a core for 7 s into the next cell, `edge-django-db`, and 18-35 % on
average over the Django cells after each CGI database cell of two default
runs (2026-11-27, its cgroup's CPU read every 0.5 s). So a cell starts once
each service the cell before it loaded has used less than QUIET_CORES over
one WINDOW_SECONDS, read from the container's own cgroup
(bench/container_cpu.py, as `make bench-edge` reads it), or after
TIMEOUT_SECONDS; the cell records how long it waited and whether it was quiet.
"""

import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench import container_cpu

EXEC_TIMEOUT = 30
# An idle service uses about 1 % of a core; one health check (a Python process
# every 10 s) can reach 10 % of a window, so a window over it waits one more.
QUIET_CORES = 0.1
WINDOW_SECONDS = 0.5
TIMEOUT_SECONDS = 30.0

CpuReader = Callable[[list[str]], dict[str, float]]  # container -> CPU seconds; unreadable ones left out


@dataclass(frozen=True)
class Settled:
    """How long the cell waited for the one before it, and whether the services then were quiet."""

    waited_seconds: float
    quiet: bool
    busy: tuple[str, ...] = ()  # the containers still busy at the timeout


def _read_one(container: str) -> float | None:
    try:
        return container_cpu.read(container, EXEC_TIMEOUT)
    except (subprocess.SubprocessError, ValueError):
        return None  # gone, or the engine busy past its timeout: no reason to hold the run


def read_cpu(containers: list[str]) -> dict[str, float]:
    """Each container's CPU seconds so far (bench/container_cpu.py), side by side;
    one that cannot be read is left out."""
    with ThreadPoolExecutor(max_workers=max(1, len(containers))) as pool:
        readings = dict(zip(containers, pool.map(_read_one, containers), strict=True))
    return {container: value for container, value in readings.items() if value is not None}


def wait_until_quiet(
    containers: list[str],
    read: CpuReader = read_cpu,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Settled:
    """Read the containers' CPU every WINDOW_SECONDS until none used QUIET_CORES
    over the last window (or TIMEOUT_SECONDS passed)."""
    started = clock()
    before, read_at = read(containers), clock()
    while True:
        sleep(WINDOW_SECONDS)
        after, now = read(containers), clock()
        window = now - read_at  # the reads themselves take time: the window is what passed
        busy = tuple(sorted(c for c in after if c in before and (after[c] - before[c]) / window >= QUIET_CORES))
        if not busy:
            return Settled(round(now - started, 2), quiet=True)
        if now - started >= TIMEOUT_SECONDS:
            return Settled(round(now - started, 2), quiet=False, busy=busy)
        before, read_at = after, now
