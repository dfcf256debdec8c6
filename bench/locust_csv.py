"""Read the numbers of one cell from Locust's --csv output and its log."""

import csv
import re
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from bench.cell_stats import CellStats, TimeSeries

AGGREGATED = "Aggregated"
# Locust's own saturation messages (locust/runners.py): while running, and
# once more at the end of the test.
CPU_WARNING_MARKERS = ("CPU usage above", "CPU usage was too high")
# Locust's log lines (locust/main.py) around --run-time, e.g.
# "[2026-11-26 06:32:10,657] host/INFO/locust.main: Run time limit set to 3 seconds".
RUN_TIME_SET = "Run time limit set"
RUN_TIME_REACHED = "--run-time limit reached"
_RUN_TIME_LINE = re.compile(
    rf"^\[(?P<at>[0-9-]+ [0-9:]+,[0-9]+)\] .*?: (?P<event>{RUN_TIME_SET}|{re.escape(RUN_TIME_REACHED)})", re.MULTILINE
)
LOG_TIME_FORMAT = "%Y-%m-%d %H:%M:%S,%f"


def _percentile(value: str) -> float | None:
    """Locust writes N/A for percentiles of a row without requests."""
    return None if value in ("", "N/A") else float(value)


def read_stats(stats_csv: Path) -> CellStats:
    """The Aggregated row of <prefix>_stats.csv; raise ValueError if the file has none."""
    with stats_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == AGGREGATED:
                return CellStats(
                    requests=int(row["Request Count"]),
                    failures=int(row["Failure Count"]),
                    requests_per_second=float(row["Requests/s"]),
                    failures_per_second=float(row["Failures/s"]),
                    average_ms=float(row["Average Response Time"]),
                    p50_ms=_percentile(row["50%"]),
                    p95_ms=_percentile(row["95%"]),
                    p99_ms=_percentile(row["99%"]),
                    max_ms=float(row["Max Response Time"]),
                )
    raise ValueError(f"{stats_csv}: no {AGGREGATED} row")


def _rates(rows: list[dict[str, str]], column: str) -> list[float | None]:
    """Per-second rates from a cumulative count (Locust's own Requests/s in the
    history is a sliding window that reads 0 for a run's first seconds). The first
    row has no rate; after --reset-stats zeroes the count, the new count is the rate."""
    rates: list[float | None] = [None]
    for before, after in pairwise(rows):
        seconds = int(after["Timestamp"]) - int(before["Timestamp"]) or 1
        count, previous = int(after[column]), int(before[column])
        rates.append((count - previous if count >= previous else count) / seconds)
    return rates


def read_history(history_csv: Path) -> TimeSeries | None:
    """The Aggregated rows of <prefix>_stats_history.csv, one a second: answers and
    failures per second, and Locust's current response-time percentiles; None without the file."""
    if not history_csv.exists():
        return None
    with history_csv.open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] == AGGREGATED]
    if not rows:
        return None
    return TimeSeries(
        requests_per_second=_rates(rows, "Total Request Count"),
        failures_per_second=_rates(rows, "Total Failure Count"),
        p50_ms=[_percentile(row["50%"]) for row in rows],
        p95_ms=[_percentile(row["95%"]) for row in rows],
        p99_ms=[_percentile(row["99%"]) for row in rows],
    )


def read_failure_reasons(failures_csv: Path) -> list[str]:
    """`<occurrences>x <method> <name>: <error>` per row of <prefix>_failures.csv."""
    if not failures_csv.exists():
        return []
    with failures_csv.open(newline="") as handle:
        return [
            f"{row['Occurrences']}x {row['Method']} {row['Name']}: {row['Error']}" for row in csv.DictReader(handle)
        ]


def saw_cpu_warning(log_text: str) -> bool:
    """True when Locust said its own CPU limited the test."""
    return any(marker in log_text for marker in CPU_WARNING_MARKERS)


def run_seconds(log_text: str) -> float | None:
    """Seconds from Locust setting its --run-time limit to reaching it (None if the log lacks either).

    On a busy shared host the limit fired long before --run-time (a 3 s cell
    stopped after 47 ms, with no request made) until loadtest/scenarios/run_time.py.
    """
    times = {match["event"]: match["at"] for match in _RUN_TIME_LINE.finditer(log_text)}
    if RUN_TIME_SET not in times or RUN_TIME_REACHED not in times:
        return None
    start, end = (datetime.strptime(times[event], LOG_TIME_FORMAT) for event in (RUN_TIME_SET, RUN_TIME_REACHED))
    return (end - start).total_seconds()
