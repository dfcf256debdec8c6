"""`make bench-figures`: the README's benchmark figures from the kept summaries.

Reads docs/results/*/summary.json, takes the runs of the newest run's commit
(same host and load), and writes the median per cell and the run-to-run
spread ((max - min) / median per cell) between README's marker comments. A
cell its run flagged (bench/summary.py: one worker did the work, a busy
neighbour, a saturated generator) is left out where another run has it unflagged.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from bench.matrix import (
    BACKENDS,
    CALIBRATION_WORKLOAD,
    EDGE_WORKLOADS,
    LADDER,
    ROUTES,
    STATIC_WORKLOAD,
    VARIANTS,
    WORKLOADS,
)
from bench.provenance import describe_commit, describe_host, describe_settings
from bench.reports import SUMMARY, load_summary, throughput
from bench.summary import Summary

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The README's blocks: `bench` (docs/results/*/, the default matrix) and any
# other name given with --block (`ladder`: docs/results/ladder/*/, the server matrix).
DEFAULT_BLOCK = "bench"


def markers(block: str) -> tuple[str, str]:
    return f"<!-- {block}:begin -->", f"<!-- {block}:end -->"


# Column heads: the backend, or the variant's app and server (bench/matrix.py LADDER).
BACKEND_NAMES = {
    "cgi": "CGI",
    "django": "Django",
    "fastapi": "FastAPI",
    "wsgi": "WSGI callable",
    "asgi": "ASGI callable",
    "django-asgi": "Django ASGI",
} | {variant: f"{LADDER[variant].app}, {LADDER[variant].server}" for variant in VARIANTS}


# The ladder's questions (issue 9), each a ratio of two backends' medians on the
# same workloads, straight at each server (the direct route: no edge in between):
# what a framework costs on one server, what a server costs for one app.
LADDER_RATIOS = (
    ("plain WSGI callable ÷ Django, both Gunicorn gthread", "wsgi", "django"),
    ("plain ASGI callable ÷ FastAPI, both Uvicorn --workers", "asgi", "fastapi"),
    ("Django under ASGI (Uvicorn) ÷ Django under WSGI (Gunicorn gthread)", "django-asgi", "django"),
    ("the lab's Gunicorn gthread ÷ Gunicorn sync, 1 worker (tutorial default)", "django", "was-gunicorn-sync-1"),
    ("the lab's Gunicorn gthread ÷ Gunicorn sync, 2 x cores + 1", "django", "was-gunicorn-sync"),
    ("the lab's Gunicorn gthread ÷ Granian WSGI", "django", "was-granian-wsgi"),
    ("the lab's Uvicorn --workers ÷ Gunicorn with UvicornWorker", "fastapi", "was-uvicorn-worker"),
    ("the lab's Uvicorn --workers ÷ Granian ASGI", "fastapi", "was-granian-asgi"),
)


@dataclass(frozen=True)
class CellFigures:
    runs: int
    low: float
    middle: float
    high: float
    left_out: int = 0  # the runs whose figure for the cell was flagged, and not counted

    @property
    def spread(self) -> float:
        """(max - min) / median: 0.1 means the runs lay within a tenth of the median."""
        return (self.high - self.low) / self.middle if self.middle else 0.0


def _group(summary: Summary) -> tuple:
    """Runs that are repeats of one another: same commit, tree state, host and load."""
    origin = summary.get("provenance", {})
    host = origin.get("host", {})
    return (origin.get("commit"), origin.get("dirty"), host.get("name"), tuple(sorted(summary["load"].items())))


def newest_repeats(summaries: list[Summary]) -> list[Summary]:
    """The newest run and every other run of its commit, host and load, oldest first."""
    ordered = sorted(summaries, key=lambda summary: summary["created"])
    newest = _group(ordered[-1])
    return [summary for summary in ordered if _group(summary) == newest]


def cell_figures(runs: list[Summary]) -> dict[str, CellFigures]:
    """slug -> min, median and max requests per second over the runs that have it,
    the flagged ones left out unless every run's was flagged."""
    counted: dict[str, list[float]] = {}  # every slug in the order the runs list it
    flagged: dict[str, list[float]] = {}
    for run in runs:
        flags = {record["slug"] for record in run["cells"] if record.get("flags")}
        for slug, rps in throughput(run).items():
            counted.setdefault(slug, [])
            (flagged.setdefault(slug, []) if slug in flags else counted[slug]).append(rps)
    figures = {}
    for slug, values in counted.items():
        kept, left_out = (values, len(flagged.get(slug, []))) if values else (flagged[slug], 0)
        figures[slug] = CellFigures(len(kept), min(kept), median(kept), max(kept), left_out)
    return figures


def _rps(value: float) -> str:
    return f"{value:,.0f}"


def _matrix_table(figures: dict[str, CellFigures]) -> list[str]:
    """Workload rows x backend columns, 'edge / direct' where both exist (medians)."""
    # Exact slugs: a backend's name may begin another's (django, django-asgi).
    backends = [b for b in BACKENDS if any(f"{r}-{b}-{w}" in figures for r in ROUTES for w in WORKLOADS)]
    routes = {b: [r for r in ROUTES if any(f"{r}-{b}-{w}" in figures for w in WORKLOADS)] for b in backends}
    header = [f"{BACKEND_NAMES[b]} ({' / '.join(routes[b])})" for b in backends]
    lines = ["| workload | " + " | ".join(header) + " |", "|---|" + "---:|" * len(backends)]
    for workload in (w for w in WORKLOADS if w not in EDGE_WORKLOADS):
        row = []
        for backend in backends:
            cells = [figures.get(f"{route}-{backend}-{workload}") for route in routes[backend]]
            row.append(" / ".join("-" if cell is None else _rps(cell.middle) for cell in cells))
        if any(value.strip("-/ ") for value in row):
            lines.append(f"| `{workload}` | " + " | ".join(row) + " |")
    return lines


def _ladder_table(figures: dict[str, CellFigures]) -> list[str]:
    """LADDER_RATIOS as rows, workloads as columns; only rows whose two backends ran."""

    def median_of(backend: str, workload: str) -> float | None:
        cell = figures.get(f"direct-{backend}-{workload}")
        return cell.middle if cell and cell.middle else None

    workloads = [w for w in WORKLOADS if any(f"direct-{b}-{w}" in figures for _, b, _ in LADDER_RATIOS)]
    rows = []
    for question, numerator, denominator in LADDER_RATIOS:
        ratios = []
        for workload in workloads:
            top, bottom = median_of(numerator, workload), median_of(denominator, workload)
            ratios.append("-" if top is None or bottom is None else f"{top / bottom:.2f}")
        if any(ratio != "-" for ratio in ratios):
            rows.append(f"| {question} | " + " | ".join(ratios) + " |")
    if not rows:
        return []
    return [
        "The ladder: each row a ratio of two medians straight at the servers (direct),"
        " above 1 where the first one is faster:",
        "",
        "| ratio | " + " | ".join(f"`{w}`" for w in workloads) + " |",
        "|---|" + "---:|" * len(workloads),
        *rows,
        "",
    ]


def _spread_sentence(figures: dict[str, CellFigures], runs: int) -> str:
    if runs < 2:
        return (
            "One run only, so no run-to-run spread is known yet: keep more runs of the "
            "same commit (`make bench && make bench-keep`) and regenerate."
        )
    spreads = sorted((cell.spread, slug) for slug, cell in figures.items())
    widest, widest_slug = spreads[-1]
    return (
        f"Run-to-run spread over these {runs} runs, (max - min) / median per cell: "
        f"median {median(s for s, _ in spreads):.0%}, widest {widest:.0%} ({widest_slug}). "
        "Differences smaller than that are noise on this host."
    )


def render(runs: list[Summary], block: str = DEFAULT_BLOCK, source: str = "docs/results") -> str:
    begin, end = markers(block)
    newest = runs[-1]
    origin, load = newest.get("provenance", {}), newest["load"]
    figures = cell_figures(runs)
    dates = sorted({f"{run['created'][:4]}-{run['created'][4:6]}-{run['created'][6:8]}" for run in runs})
    lines = [
        begin,
        f"<!-- generated by `make bench-figures` from {source}/*/summary.json: edit those, not this -->",
        f"{len(runs)} {'run' if len(runs) == 1 else 'runs'} of {describe_commit(origin)} on {describe_host(origin)}, "
        f"{', '.join(dates)}; {load['users']} users, {load['duration_seconds']} s per cell; "
        f"{describe_settings(origin)}. Median requests per second:",
        "",
        *_matrix_table(figures),
        "",
        *_ladder_table(figures),
    ]
    static = figures.get(f"edge-nginx-{STATIC_WORKLOAD}")
    if static:
        lines += [f"The edge's static file did {_rps(static.middle)} req/s.", ""]
    calibration = figures.get(f"edge-nginx-{CALIBRATION_WORKLOAD}")
    if calibration:
        lines += [f"Nginx's `return 200` (the calibration) did {_rps(calibration.middle)} req/s.", ""]
    lines += [_spread_sentence(figures, len(runs)), ""]
    left_out = [
        f"{slug} ({cell.left_out} of {cell.runs + cell.left_out})" for slug, cell in figures.items() if cell.left_out
    ]
    if left_out:
        lines += [f"Left out as flagged by their run (bench/README.md): {', '.join(left_out)}.", ""]
    lines += [
        "<details><summary>Every cell: min, median, max req/s and spread</summary>",
        "",
        "| cell | runs | min | median | max | spread |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {slug} | {cell.runs} | {_rps(cell.low)} | {_rps(cell.middle)} | {_rps(cell.high)} | {cell.spread:.0%} |"
        for slug, cell in figures.items()
    ]
    lines += ["", "</details>", end]
    return "\n".join(lines)


def replace_block(text: str, rendered: str, block: str = DEFAULT_BLOCK) -> str:
    """text with everything from the block's begin to its end marker (inclusive) replaced."""
    begin, end = markers(block)
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise ValueError(f"no {begin} ... {end} block")
    return text[:start] + rendered + text[stop + len(end) :]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make bench-figures", description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_DIR / "docs" / "results", help="kept summaries")
    parser.add_argument("--readme", type=Path, default=PROJECT_DIR / "README.md", help="file with the markers")
    parser.add_argument(
        "--block", default=DEFAULT_BLOCK, help="the README's <!-- BLOCK:begin --> ... <!-- BLOCK:end --> to rewrite"
    )
    options = parser.parse_args(argv)
    summaries = [load_summary(path) for path in sorted(options.results.glob(f"*/{SUMMARY}"))]
    if not summaries:
        print(f"bench figures: no {options.results}/*/{SUMMARY} (make bench && make bench-keep)", file=sys.stderr)
        return 1
    runs = newest_repeats(summaries)
    try:
        results = options.results.resolve()
        source = str(results.relative_to(PROJECT_DIR) if results.is_relative_to(PROJECT_DIR) else options.results)
        rendered = render(runs, options.block, source)
        options.readme.write_text(replace_block(options.readme.read_text(), rendered, options.block))
    except ValueError as error:
        print(f"bench figures: {options.readme}: {error}", file=sys.stderr)
        return 1
    print(f"{options.readme}: figures from {len(runs)} kept runs of {describe_commit(runs[-1].get('provenance', {}))}")
    return 0
