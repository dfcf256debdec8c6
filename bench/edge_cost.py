"""`make bench-edge`: nginx's CPU per request, static file against proxied, at one request rate.

nginx's CPU per request falls as its request rate rises: a worker woken for
many events at once pays the wake-up, the timers and the log flush once for all
of them. So the default bench's static cell (tens of thousands of req/s) and a
proxied cell (a few thousand, the app's ceiling) are not comparable as cost.
Here every path runs paced at the same rate (loadtest/wrk/pace.lua: each
connection waits between an answer and its next request), in rounds that
interleave the static file with the proxied paths, and each run's CPU time of
the nginx container's cgroup over its request count gives nginx's CPU per
request. The same for the backend container, beside it.

A measurement, not a test: it never fails on a number.
"""

import argparse
import json
import statistics
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import container_cpu
from bench.matrix import BACKENDS, EDGE_SERVICE, PATHS, STATIC_PATH, prefix
from bench.pages import write_index
from bench.provenance import describe, provenance
from bench.stack import Compose, engine_version
from bench.wrk_result import parse

PROJECT_DIR = Path(__file__).resolve().parent.parent
PACE_SCRIPT = "/usr/local/share/wrk/pace.lua"  # loadtest/wrk/Dockerfile
EDGE_URL = "https://nginx"
DEFAULT_BACKENDS = ("django", "fastapi", "django-asgi", "wsgi", "asgi")
DEFAULT_WORKLOADS = ("hello", "db")
# Well below every default row's ceiling on 2 cores (Django ASGI's db row, the
# slowest, answers about 430 req/s edge or direct): a rate each row can keep.
DEFAULT_RATE = 250
# Many connections, each waiting long between requests: an answer's latency
# (a few ms) is then a small share of each connection's period, and every row
# gets close to the rate asked whatever its latency.
CONNECTIONS = 64
# A paced row that keeps less than this share of the asked rate was at its
# ceiling: its CPU per request is then not at the same rate as the static row's.
KEPT_RATE = 0.9


@dataclass(frozen=True)
class Path_:
    label: str  # "static" or "<backend> <workload>"
    path: str
    service: str | None  # the backend container measured beside nginx


@dataclass
class Run:
    label: str
    requests: int
    seconds: float
    errors: int
    nginx_cpu_seconds: float
    app_cpu_seconds: float | None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def per_request_ms(self, cpu_seconds: float | None) -> float | None:
        return None if cpu_seconds is None or not self.requests else 1000 * cpu_seconds / self.requests


def pace_ms(rate: float, connections: int) -> int:
    """The wait per connection between an answer and its next request for about `rate` req/s in all."""
    return max(0, round(1000 * connections / rate))


def paths(backends: list[str], workloads: list[str]) -> list[Path_]:
    """The static file first, then each backend's rows."""
    rows = [Path_("static", STATIC_PATH, None)]
    rows += [Path_(f"{b} {w}", f"/{prefix(b)}{PATHS[w]}", b) for b in backends for w in workloads]
    return rows


def summarize(runs: list[Run], rate: float) -> list[dict[str, object]]:
    """Per path: median rate and CPU per request over its runs, and nginx's over the static row's."""
    by_label: dict[str, list[Run]] = {}
    for run in runs:
        by_label.setdefault(run.label, []).append(run)

    def median(values: list[float | None]) -> float | None:
        kept = [v for v in values if v is not None]
        return statistics.median(kept) if kept else None

    rows = []
    for label, group in by_label.items():
        rows.append(
            {
                "path": label,
                "runs": len(group),
                "requests_per_second": round(statistics.median(r.rate for r in group), 1),
                "errors": sum(r.errors for r in group),
                "nginx_ms_per_request": median([r.per_request_ms(r.nginx_cpu_seconds) for r in group]),
                "app_ms_per_request": median([r.per_request_ms(r.app_cpu_seconds) for r in group]),
            }
        )
    static = next((row["nginx_ms_per_request"] for row in rows if row["path"] == "static"), None)
    for row in rows:
        cost = row["nginx_ms_per_request"]
        row["nginx_vs_static"] = round(cost / static, 2) if static and cost is not None else None
        row["kept_rate"] = row["requests_per_second"] >= KEPT_RATE * rate
    return rows


def render_markdown(rows: list[dict[str, object]], rate: float, meta: str) -> str:
    lines = [
        f"nginx CPU per request at {rate:g} req/s asked ({CONNECTIONS} connections, paced); {meta}",
        "",
        "| path | req/s | errors | nginx ms CPU / request | nginx / static | app ms CPU / request |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        mark = "" if row["kept_rate"] else " (at its ceiling)"
        nginx = row["nginx_ms_per_request"]
        app = row["app_ms_per_request"]
        lines.append(
            f"| {row['path']}{mark} | {row['requests_per_second']:.0f} | {row['errors']} | "
            f"{'' if nginx is None else f'{nginx:.4f}'} | {row['nginx_vs_static'] or ''} | "
            f"{'' if app is None else f'{app:.4f}'} |"
        )
    return "\n".join(lines) + "\n"


class Probe:
    """The running stack: its containers' CPU time and a paced wrk on the edge network."""

    def __init__(self, compose: Compose) -> None:
        self.compose = compose
        self.containers = {service: name for name, service in compose.running_services().items()}

    def cpu_seconds(self, service: str | None) -> float | None:
        if service is None or service not in self.containers:
            return None
        return container_cpu.read(self.containers[service])

    def run(self, row: Path_, rate: float, seconds: int) -> Run:
        nginx0, app0 = self.cpu_seconds(EDGE_SERVICE), self.cpu_seconds(row.service)
        output = self.compose(
            "run", "--rm", "--no-deps", f"--env=PACE_MS={pace_ms(rate, CONNECTIONS)}",
            "wrk", "wrk", "--threads=1", f"--connections={CONNECTIONS}", f"--duration={seconds}s",
            f"--script={PACE_SCRIPT}", EDGE_URL + row.path,
        )  # fmt: skip
        nginx1, app1 = self.cpu_seconds(EDGE_SERVICE), self.cpu_seconds(row.service)
        result = parse(output)
        return Run(
            row.label,
            result.stats.requests,
            result.run_seconds,
            result.stats.failures,
            nginx1 - nginx0,
            None if app0 is None or app1 is None else app1 - app0,
        )


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make bench-edge BENCH_EDGE_ARGS=...", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help="req/s asked of every path (%(default)s)")
    parser.add_argument("--seconds", type=int, default=8, help="each run's length (%(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of every path, interleaved (%(default)s)")
    parser.add_argument("--backends", default=",".join(DEFAULT_BACKENDS), help="comma-separated (%(default)s)")
    parser.add_argument("--workloads", default=",".join(DEFAULT_WORKLOADS), help="comma-separated (%(default)s)")
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "reports", help="where edge-<time>/ goes")
    arguments = parser.parse_args(argv)
    arguments.backends = [b for b in arguments.backends.split(",") if b]
    arguments.workloads = [w for w in arguments.workloads.split(",") if w]
    unknown = sorted(set(arguments.backends) - set(BACKENDS)) + sorted(set(arguments.workloads) - set(PATHS))
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    return arguments


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    compose = Compose(["docker", "compose"], PROJECT_DIR)
    compose("--profile", "bench", "build", "--quiet", "wrk")
    probe = Probe(compose)
    started = datetime.now(UTC)
    rows = paths(arguments.backends, arguments.workloads)
    runs = []
    for round_number in range(1, arguments.rounds + 1):
        for row in rows:
            run = probe.run(row, arguments.rate, arguments.seconds)
            runs.append(run)
            nginx_ms = run.per_request_ms(run.nginx_cpu_seconds)
            print(f"round {round_number} {row.label}: {run.rate:.0f} req/s, nginx {nginx_ms:.4f} ms CPU per request")
    summary = summarize(runs, arguments.rate)
    stack = {"engine": engine_version(), "settings": compose.size_settings()}
    meta = provenance(PROJECT_DIR, started, stack, ["edge", *argv])
    directory = arguments.output / f"edge-{started:%Y%m%dT%H%M%SZ}"
    directory.mkdir(parents=True)
    record = {
        "kind": "edge-cost",
        "created": started.isoformat(timespec="seconds"),
        "rate": arguments.rate,
        "connections": CONNECTIONS,
        "provenance": meta,
        "rows": summary,
        "runs": [asdict(run) for run in runs],
    }
    (directory / "summary.json").write_text(json.dumps(record, indent=1) + "\n")
    markdown = render_markdown(summary, arguments.rate, describe(meta))
    (directory / "summary.md").write_text(markdown)
    write_index(arguments.output)
    sys.stdout.write("\n" + markdown + f"\n{directory}\n")
    return 0
