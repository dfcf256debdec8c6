"""A stand-in for `locust --headless ... --csv=PREFIX --html=PREFIX.html`.

Writes the files a headless Locust writes, in Locust's CSV format, without
sending a request, so the run loop, the summary and the exit status can be
tested without Locust or a stack. The target's host name picks the outcome:
`failing` fails some requests (and exits 1, as Locust does), `saturated`
logs Locust's CPU warning, `early` logs that its run-time limit came after a
tenth of --run-time, `lagging` 0.4 s early (as Locust does on a busy host),
`idle` completes no request, `aborting` exits 2 after writing its files,
`crashing` exits 1 before writing anything; any other host succeeds.
"""

import argparse
import csv
import sys
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

STATS_HEADER = [
    "Type",
    "Name",
    "Request Count",
    "Failure Count",
    "Median Response Time",
    "Average Response Time",
    "Min Response Time",
    "Max Response Time",
    "Average Content Size",
    "Requests/s",
    "Failures/s",
    "50%",
    "66%",
    "75%",
    "80%",
    "90%",
    "95%",
    "98%",
    "99%",
    "99.9%",
    "99.99%",
    "100%",
]
PERCENTILES = (50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100)
# <prefix>_stats_history.csv: a row a second, rates, percentiles and cumulative counts.
HISTORY_HEADER = [
    "Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s", *STATS_HEADER[11:],
    "Total Request Count", "Total Failure Count",
]  # fmt: skip
FAILED = 3
# Locust's own words (locust/runners.py), which the bench looks for.
CPU_WARNING = "CPU usage above 90%! This may constrain your throughput and may even give inconsistent response time"


def stats_row(kind: str, name: str, requests: int, failures: int, seconds: int, base_ms: float) -> list[str]:
    latencies = [str(round(base_ms * (1 + p / 100))) for p in PERCENTILES]
    return [
        kind, name, str(requests), str(failures), latencies[0], f"{base_ms * 1.2:.2f}", f"{base_ms / 2:.2f}",
        latencies[-1], "42.0", f"{requests / seconds:.6f}", f"{failures / seconds:.6f}", *latencies,
    ]  # fmt: skip


def log(at: datetime, message: str) -> None:
    """A line as Locust's logging writes it."""
    print(f"[{at:%Y-%m-%d %H:%M:%S},{at.microsecond // 1000:03d}] fake/INFO/locust.main: {message}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    for option in ("--users", "--spawn-rate", "--run-time", "--host", "--tags", "--csv", "--html", "--locustfile"):
        parser.add_argument(option)
    for flag in ("--headless", "--only-summary", "--reset-stats"):
        parser.add_argument(flag, action="store_true")
    parser.add_argument("user_class")
    options = parser.parse_args()
    target = urlsplit(options.host).hostname or ""
    if target == "crashing":
        print("Traceback (most recent call last): the stand-in crashed", flush=True)
        return 1
    if target == "saturated":
        print(f"WARNING/root: {CPU_WARNING}", flush=True)
    seconds = int(options.run_time.rstrip("s"))
    started = datetime.now()
    ran = {"early": seconds / 10, "lagging": seconds - 0.4}.get(target, seconds)
    stopped = started + timedelta(seconds=ran)
    log(started, f"Run time limit set to {seconds} seconds")
    log(stopped, "--run-time limit reached, shutting down")
    # Throughput depends on the cell, so ratios between cells are not 1.
    requests = (
        0 if target == "idle" else int(options.users) * seconds * (40 + 7 * len(options.tags) + len(options.host))
    )
    failures = FAILED if target == "failing" else 0
    name = f"/{options.tags}"
    prefix = Path(options.csv)
    with open(f"{prefix}_stats.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(STATS_HEADER)
        writer.writerow(stats_row("GET", name, requests, failures, seconds, 10 + len(options.tags)))
        writer.writerow(stats_row("", "Aggregated", requests, failures, seconds, 10 + len(options.tags)))
    with open(f"{prefix}_failures.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Method", "Name", "Error", "Occurrences"])
        if failures:
            writer.writerow(["GET", name, "HTTPError('503 Server Error: Service Unavailable')", failures])
    with open(f"{prefix}_stats_history.csv", "w", newline="") as handle:
        writer = csv.writer(handle)  # one Aggregated row a second, Locust's history columns
        writer.writerow(HISTORY_HEADER)
        for second in range(seconds + 1):
            latencies = [str(round((10 + second) * (1 + p / 100))) for p in PERCENTILES]
            count, failed = requests * second // seconds, failures * second // seconds
            at = int(started.timestamp()) + second
            writer.writerow([at, options.users, "", "Aggregated", "0", "0", *latencies, count, failed])
    Path(options.html).write_text(f"<!doctype html><title>{options.user_class}</title>\n")
    if target == "aborting":
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
