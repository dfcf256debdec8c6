"""Read one cell's numbers from wrk's output: the lines done() prints (loadtest/wrk/report.lua,
and server-timing.lua's for the cells whose responses carry Server-Timing)."""

import json
from dataclasses import dataclass

from bench.cell_stats import CellStats, TimeSeries

MARKER = "wrk-result "
SERVER_TIMING_MARKER = "wrk-server-timing "
# wrk's own names (SCRIPTING: summary.errors): connect, read and write are
# socket errors, status an answer above 399, timeout no answer within --timeout.
ERROR_KINDS = {
    "connect": "could not connect",
    "read": "socket read errors",
    "write": "socket write errors",
    "status": "answers with a status above 399",
    "timeout": "no answer within --timeout",
}


@dataclass(frozen=True)
class WrkResult:
    stats: CellStats
    run_seconds: float
    errors: dict[str, int]
    cpu_seconds: float | None  # wrk's own, all threads (report.lua reads /proc/self/stat)
    series: TimeSeries | None = None  # report.lua's per-second counters (older scripts: none)

    @property
    def failure_reasons(self) -> list[str]:
        """`<count>x <what>` per kind of error wrk counted."""
        return [f"{count}x {ERROR_KINDS.get(kind, kind)}" for kind, count in self.errors.items() if count]


def _milliseconds(microseconds: float) -> float:
    return round(microseconds / 1000, 3)


def parse(output: str) -> WrkResult:
    """The last `wrk-result {...}` line of the output; ValueError when there is none (wrk did not finish)."""
    lines = [line for line in output.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise ValueError(f"no {MARKER.strip()} line: wrk did not finish")
    record = json.loads(lines[-1][len(MARKER) :])
    seconds = record["duration_us"] / 1e6
    requests = int(record["requests"])
    errors = {kind: int(count) for kind, count in record["errors"].items()}
    failures = sum(errors.values())
    latency = record["latency_us"]
    # wrk reports percentiles of a histogram it never filled as 0: no answer, no latency.
    percentile = (lambda key: _milliseconds(latency[key])) if requests else (lambda key: None)
    stats = CellStats(
        requests=requests,
        failures=failures,
        requests_per_second=round(requests / seconds, 3) if seconds else 0.0,
        failures_per_second=round(failures / seconds, 3) if seconds else 0.0,
        average_ms=_milliseconds(latency["mean"]),
        p50_ms=percentile("p50"),
        p95_ms=percentile("p95"),
        p99_ms=percentile("p99"),
        max_ms=_milliseconds(latency["max"]),
    )
    cpu = record.get("cpu_us", -1)
    counts = record.get("per_second")
    series = None if counts is None else TimeSeries(counts["answers"], counts["failed"])
    return WrkResult(stats, round(seconds, 3), errors, cpu_seconds=None if cpu < 0 else cpu / 1e6, series=series)


def parse_server_timing(output: str) -> dict[str, dict[str, float]] | None:
    """Per Server-Timing phase, the responses that sent it and its mean in ms; None without the line."""
    lines = [line for line in output.splitlines() if line.startswith(SERVER_TIMING_MARKER)]
    if not lines:
        return None
    record = json.loads(lines[-1][len(SERVER_TIMING_MARKER) :])
    return {
        phase: {"responses": int(values["responses"]), "mean_ms": round(float(values["mean_ms"]), 3)}
        for phase, values in record.items()
    }
