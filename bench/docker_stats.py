"""CPU and memory per compose service, sampled with `docker stats` while a cell runs."""

import json
import re
import subprocess
import threading
from dataclasses import dataclass, replace
from statistics import fmean

from bench.process_memory import ProcessMemory, ProcessPeak

# `{{json .}}` works on every engine; `--format json` only from Docker 23.
STATS_COMMAND = ("docker", "stats", "--no-stream", "--format", "{{json .}}")
UNITS = {
    "B": 1,
    "KiB": 1024,
    "MiB": 1024**2,
    "GiB": 1024**3,
    "TiB": 1024**4,
    "kB": 1000,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "TB": 1000**4,
}
_SIZE = re.compile(r"^\s*([0-9.]+)\s*([A-Za-z]+)\s*$")


@dataclass(frozen=True)
class ServiceUsage:
    """One service over one cell: CPU in percent of one core, memory in bytes, and
    each process's peak resident memory where it was read (bench/process_memory.py)."""

    cpu_mean: float
    cpu_max: float
    memory_max: int
    processes: tuple[ProcessPeak, ...] = ()


def parse_size(text: str) -> int:
    """'19.5MiB' -> bytes."""
    match = _SIZE.match(text)
    if not match or match.group(2) not in UNITS:
        raise ValueError(f"not a size: {text!r}")
    return round(float(match.group(1)) * UNITS[match.group(2)])


def parse_stats_line(line: str) -> tuple[str, float, int]:
    """One `docker stats` JSON line -> (container name, CPU %, memory used)."""
    record = json.loads(line)
    cpu = float(record["CPUPerc"].rstrip("%") or 0)
    used = record["MemUsage"].split("/")[0]
    return record["Name"], cpu, parse_size(used)


def sample_services(services_by_container: dict[str, str]) -> dict[str, tuple[float, int]]:
    """One snapshot summed per service (scaled services have several containers)."""
    output = subprocess.run(STATS_COMMAND, capture_output=True, text=True, check=True, timeout=30).stdout
    return snapshot_of(output, services_by_container)


def snapshot_of(output: str, services_by_container: dict[str, str]) -> dict[str, tuple[float, int]]:
    """`docker stats` output summed per service; containers not named are left out."""
    snapshot: dict[str, tuple[float, int]] = {}
    for line in output.splitlines():
        if not line.strip():
            continue
        name, cpu, memory = parse_stats_line(line)
        service = services_by_container.get(name)
        if service is None:
            continue
        previous_cpu, previous_memory = snapshot.get(service, (0.0, 0))
        snapshot[service] = (previous_cpu + cpu, previous_memory + memory)
    return snapshot


def summarize(samples: list[dict[str, tuple[float, int]]], during: str | None = None) -> dict[str, ServiceUsage]:
    """Mean and peak CPU, peak memory, per service over the samples.

    With `during`, only the samples in which that service ran count (the load
    generator's container: while it starts and after it exits the stack idles,
    and CPU per request must divide the CPU spent under load). Without such a
    sample, all of them.
    """
    loaded = [sample for sample in samples if during in sample]
    samples = loaded or samples
    services = sorted({service for sample in samples for service in sample})
    usage: dict[str, ServiceUsage] = {}
    for service in services:
        points = [sample[service] for sample in samples if service in sample]
        cpus = [cpu for cpu, _ in points]
        usage[service] = ServiceUsage(
            cpu_mean=round(fmean(cpus), 1),
            cpu_max=round(max(cpus), 1),
            memory_max=max(memory for _, memory in points),
        )
    return usage


class StatsSampler:
    """Samples in a background thread until stopped.

    `docker stats --no-stream` itself takes about two seconds (it waits for
    two readings to compute CPU), which sets the sampling period. With
    `wait_for_last=False`, stopping ends the sample then under way and drops
    it, unless there is no other: it would straddle the end of what was
    sampled, and waiting for it costs up to a period.
    With `processes_of` (container: service), the peak memory of each process
    of those containers too: reset on entry, read on exit.
    """

    def __init__(
        self,
        services_by_container: dict[str, str],
        during: str | None = None,
        wait_for_last: bool = True,
        processes_of: dict[str, str] | None = None,
    ) -> None:
        self._services_by_container = services_by_container
        self._during = during
        self._wait_for_last = wait_for_last
        self._processes = ProcessMemory(processes_of or {})
        self._samples: list[dict[str, tuple[float, int]]] = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # a sample is kept, or the in-flight one ended, never both
        self._process: subprocess.Popen[str] | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> dict[str, tuple[float, int]]:
        with self._lock:
            if self._stopping.is_set() and self._samples:
                raise subprocess.SubprocessError("stopped")
            self._process = subprocess.Popen(
                STATS_COMMAND, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
            )
        with self._process as process:
            try:
                output, _ = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, STATS_COMMAND)
        return snapshot_of(output, self._services_by_container)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                sample = self._sample()
            except (subprocess.SubprocessError, ValueError, KeyError):
                self._stopping.wait(1)  # engine busy, a container vanished, or stopped
                continue
            with self._lock:
                if self._wait_for_last or not (self._stopping.is_set() and self._samples):
                    self._samples.append(sample)

    def __enter__(self) -> "StatsSampler":
        self._processes.__enter__()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._stopping.set()
            cut_short = not self._wait_for_last and bool(self._samples)
            if cut_short and self._process is not None and self._process.poll() is None:
                self._process.kill()
        if not cut_short:
            self._thread.join()
        self._processes.__exit__()

    def usage(self) -> dict[str, ServiceUsage]:
        usage = summarize(self._samples, self._during)
        for service, peaks in self._processes.by_service().items():
            if service in usage:  # a service docker stats never sampled has no record to carry them
                usage[service] = replace(usage[service], processes=tuple(peaks))
        return usage
