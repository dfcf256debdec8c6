"""`make bench`: options, the run loop, the report files and the exit status."""

import argparse
import os
import shlex
import signal
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench.execution import (
    GRACE_SECONDS,
    CellOutcome,
    ComposeExecutor,
    Executor,
    LocalExecutor,
    Retried,
    run_cell,
)
from bench.generators import Generator, Load, LocustGenerator, WrkGenerator
from bench.matrix import (
    BACKENDS,
    DEFAULT_BACKENDS,
    DEFAULT_DIRECT_HOSTS,
    DEFAULT_EDGE_HOST,
    DEFAULT_WORKLOADS,
    ROUTES,
    WORKLOADS,
    build_matrix,
)
from bench.pages import write_index, write_report
from bench.progress import Progress
from bench.provenance import provenance
from bench.stack import Compose
from bench.summary import build_summary, invalid_cells, measured_one_worker, render_markdown, write_json

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCUSTFILE = PROJECT_DIR / "loadtest" / "locustfile.py"
WRK_SCRIPT = PROJECT_DIR / "loadtest" / "wrk" / "report.lua"
WRK_SCRIPT_IN_IMAGE = "/usr/local/share/wrk/report.lua"  # loadtest/wrk/Dockerfile
CELLS_DIR = "cells"
# A cell's wall time beyond --duration: the exec, the generator's start-up and
# report writing. wrk's measured on a 2-core host (1.1 s per cell); Locust's is
# the 5 s measured with a fresh container per cell, less that container's start
# (about 3 s, timed beside the exec). Used for the ETA and the plan only.
OVERHEAD_SECONDS = {"wrk": 1, "locust": 3}
LATEST_LINK = "latest"
# A wait for the cell before to go quiet that is longer than its usual one
# window (bench/settle.py) is worth a note on the cell's line.
SETTLE_NOTED_SECONDS = 2.0
# A cell whose load reached one of the app server's workers (bench/summary.py)
# runs once more, as its flag asks: 1 to 4 of the 46 default cells were
# flagged in this host's runs, each repeat one cell's time (about 12 s). At
# most this many per run, so the run stays bounded.
MAX_REPEATS = 8


def _choices(allowed: tuple[str, ...]):
    def parse(text: str) -> list[str]:
        chosen = [item.strip() for item in text.split(",") if item.strip()]
        unknown = sorted(set(chosen) - set(allowed))
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(unknown)} (choose from {', '.join(allowed)})")
        return chosen

    return parse


def _direct_host(text: str) -> tuple[str, str]:
    backend, _, url = text.partition("=")
    if backend not in BACKENDS or not url:
        raise argparse.ArgumentTypeError(f"expected BACKEND=URL, e.g. django=http://django:8000, got {text!r}")
    return backend, url


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="make bench BENCH_ARGS=...",
        description="Benchmark of Gateway Lab with wrk (or Locust): backend x workload, "
        "through the edge and directly; writes reports/<timestamp>/. Exits 1 when a cell "
        "is not valid (failed requests, no statistics, Locust out of CPU). "
        "Other commands: measure, compare, keep, figures (python3 -m bench COMMAND --help).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    load = parser.add_argument_group("load (the same for every cell)")
    load.add_argument(
        "--generator",
        choices=("wrk", "locust"),
        default="wrk",
        help="wrk: one request per cell, in C (loadtest/wrk); locust: the scenarios of loadtest/, answers checked",
    )
    # 20 in flight queue on the slow cells (io: 20 x 0.1 s) and kept a 2-core
    # host's Locust below its CPU limit on the fast ones; the same for wrk so
    # that both generators' reports compare.
    load.add_argument("--users", type=int, default=20, help="requests in flight: Locust users, wrk connections")
    load.add_argument("--spawn-rate", type=float, default=20, help="Locust: users started per second")
    # One wrk thread (one core) on 2 cores leaves the other to the stack; each
    # cell's report says how much of it wrk used.
    load.add_argument(
        "--threads", type=int, default=max(1, (os.cpu_count() or 2) // 2), help="wrk: threads (a core each)"
    )
    # The default 46 cells x (10 s + wrk's ~1 s overhead): about 8.5 minutes on 2 cores.
    load.add_argument("--duration", type=int, default=10, help="seconds per cell")
    matrix = parser.add_argument_group("matrix")
    matrix.add_argument(
        "--backends",
        type=_choices(BACKENDS),
        default=list(DEFAULT_BACKENDS),
        help=f"comma list of {', '.join(BACKENDS)} (was-*: the server matrix, started by `make up MATRIX=1`)",
    )
    matrix.add_argument(
        "--workloads",
        type=_choices(WORKLOADS),
        default=list(DEFAULT_WORKLOADS),
        help=f"comma list of {', '.join(WORKLOADS)} (post_messages stores rows: by name only)",
    )
    matrix.add_argument("--routes", type=_choices(ROUTES), default=list(ROUTES), help="comma list")
    matrix.add_argument("--edge-host", default=DEFAULT_EDGE_HOST, help="the edge, as the generator sees it")
    matrix.add_argument(
        "--direct-host",
        type=_direct_host,
        action="append",
        metavar="BACKEND=URL",
        help=f"app server hit directly (repeatable; default {DEFAULT_DIRECT_HOSTS})",
    )
    run = parser.add_argument_group("how to run")
    run.add_argument(
        "--executor",
        choices=("compose", "local"),
        default="compose",
        help="compose: a container of --service per cell; local: the generator on this machine",
    )
    run.add_argument("--compose", default="docker compose", help="compose command")
    run.add_argument("--service", help="compose service whose image runs the generator (default: wrk or locust)")
    run.add_argument("--locust", default="locust", help="Locust command for --executor local")
    run.add_argument("--wrk", default="wrk", help="wrk command for --executor local")
    # REPORTS_DIR: the same variable tells compose which folder nginx serves at /reports/.
    run.add_argument("--reports-dir", type=Path, default=Path(os.environ.get("REPORTS_DIR", PROJECT_DIR / "reports")))
    run.add_argument("--dry-run", action="store_true", help="print the plan and exit")
    return parser.parse_args(argv)


def _executor(options: argparse.Namespace) -> Executor:
    local = options.executor == "local"
    generator: Generator
    if options.generator == "locust":
        command = shlex.split(options.locust)
        generator = LocustGenerator([*command, f"--locustfile={LOCUSTFILE}"] if local else ["locust"])
    else:
        command = shlex.split(options.wrk)
        generator = WrkGenerator(command if local else ["wrk"], str(WRK_SCRIPT) if local else WRK_SCRIPT_IN_IMAGE)
    if local:
        return LocalExecutor(generator, command[0])
    return ComposeExecutor(Compose(shlex.split(options.compose), PROJECT_DIR), generator, options.service)


def _point_latest(reports_dir: Path, run_dir: Path) -> None:
    """reports/latest -> <timestamp>, relative so it also works inside nginx."""
    link = reports_dir / LATEST_LINK
    temporary = reports_dir / f".{LATEST_LINK}.tmp"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(run_dir.name, target_is_directory=True)
    temporary.replace(link)  # atomic: readers never see a missing link
    (reports_dir / "latest.json").write_text(f'{{"path": "{run_dir.name}/"}}\n')


def _result_line(outcome: CellOutcome) -> str:
    if outcome.stats is None:
        return f"no statistics (exit code {outcome.exit_code})"
    stats = outcome.stats
    text = f"{stats.requests_per_second:8.1f} req/s  p95 {stats.p95_ms or 0:.0f} ms"
    if stats.failures:
        text += f"  {stats.failures} failed"
    if outcome.locust_cpu_warning:
        text += "  WARNING: Locust CPU saturated"
    settled = outcome.settled
    if settled is not None and (settled.waited_seconds > SETTLE_NOTED_SECONDS or not settled.quiet):
        busy = "" if settled.quiet else f", {', '.join(settled.busy)} still busy"
        text += f"  (started {settled.waited_seconds:.0f} s after the cell before{busy})"
    return text


def _terminated(signal_number: int, _frame: object) -> None:
    """SIGTERM (`timeout`, `kill`) unwinds as Ctrl-C does: the generator's container is removed."""
    raise SystemExit(128 + signal_number)


def main(argv: list[str]) -> int:
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return _run(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(argv: list[str]) -> int:
    options = parse_arguments(argv)
    direct_hosts = dict(options.direct_host or DEFAULT_DIRECT_HOSTS)
    cells, notes = build_matrix(options.backends, options.workloads, options.routes, options.edge_host, direct_hosts)
    if options.generator == "wrk" and not 1 <= options.threads <= options.users:
        print("bench: wrk needs 1 <= --threads <= --users (each thread keeps its own connections)", file=sys.stderr)
        return 2
    load = Load(options.users, options.spawn_rate, options.duration, options.generator, options.threads)
    seconds_per_cell = options.duration + OVERHEAD_SECONDS[options.generator]
    print(
        f"{len(cells)} cells x ~{seconds_per_cell} s = about {len(cells) * seconds_per_cell / 60:.1f} min",
        file=sys.stderr,
    )
    executor = _executor(options)
    if options.dry_run:
        for cell in cells:
            print(f"{cell.slug:<28} {shlex.join(executor.generator.command(cell, load, cell.slug))}")
        for note in notes:
            print(f"note: {note}")
        return 0
    if not cells:
        print("bench: the filters leave no cell to run", file=sys.stderr)
        return 2
    problem = executor.unavailable(cells)
    if problem:
        print(f"bench: {problem}", file=sys.stderr)
        return 2

    started = datetime.now(UTC)
    created = started.strftime("%Y%m%dT%H%M%SZ")
    run_dir = options.reports_dir / created
    cells_dir = run_dir / CELLS_DIR
    cells_dir.mkdir(parents=True)
    # Read before the cells run: the settings the stack runs with while measured.
    origin = provenance(PROJECT_DIR, started, executor.stack(), argv)
    progress = Progress(len(cells), seconds_per_cell)
    outcomes = []
    longest = (len(cells) + MAX_REPEATS) * (options.duration + GRACE_SECONDS)  # every cell at its deadline
    with executor.session(cells_dir, created, longest):
        repeats = 0
        for done, cell in enumerate(cells):

            def tick(elapsed: float, d: int = done, slug: str = cell.slug) -> None:
                progress.tick(d, slug, elapsed)

            outcome = run_cell(cell, load, cells_dir, executor, tick, previous=cells[done - 1] if done else None)
            flag = measured_one_worker(outcome)
            if flag and repeats < MAX_REPEATS:
                repeats += 1
                progress.finished(done, cell.slug, f"{_result_line(outcome)}  one worker: once more")
                first = None if outcome.stats is None else outcome.stats.requests_per_second
                repeat = run_cell(cell, load, cells_dir, executor, tick, previous=cell)
                outcome = replace(repeat, retried=Retried(flag, first))
            progress.finished(done, cell.slug, _result_line(outcome))
            outcomes.append(outcome)

    summary = build_summary(outcomes, load, notes, created, CELLS_DIR, origin)
    write_json(summary, run_dir / "summary.json")
    (run_dir / "summary.md").write_text(render_markdown(summary))
    write_report(run_dir, summary)
    _point_latest(options.reports_dir, run_dir)
    write_index(options.reports_dir)
    print(f"report: {run_dir / 'report.html'}")
    for flag in summary["flags"]:
        print(f"flag: {flag}", file=sys.stderr)
    invalid = invalid_cells(summary)
    if invalid:
        print(f"bench: {len(invalid)} of {len(cells)} cells are not valid:", file=sys.stderr)
        for slug, problems in invalid.items():
            for problem in problems:
                print(f"  {slug}: {problem}", file=sys.stderr)
        return 1
    return 0
