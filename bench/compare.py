"""`make bench-compare A=<report> B=<report>`: B against A, cell by cell."""

import argparse
import sys
from pathlib import Path
from typing import Any

from bench.provenance import describe
from bench.reports import SUMMARY, load_summary, p95, throughput
from bench.summary import Summary

# A tenth; changes within a host's own run-to-run spread are noise, so pass
# the largest spread `make bench-figures` measured there (README) instead.
DEFAULT_THRESHOLD = 0.10


def _ratio(new: float | None, old: float | None) -> float | None:
    return None if new is None or not old else new / old


def compare(a: Summary, b: Summary, threshold: float) -> list[dict[str, Any]]:
    """One row per cell of either run: both figures, B / A, and whether it moved."""
    rps_a, rps_b, p95_a, p95_b = throughput(a), throughput(b), p95(a), p95(b)
    slugs = [r["slug"] for r in a["cells"]] + [r["slug"] for r in b["cells"] if r["slug"] not in rps_a]
    rows = []
    for slug in dict.fromkeys(slugs):
        ratio = _ratio(rps_b.get(slug), rps_a.get(slug))
        moved = ratio is not None and abs(ratio - 1) > threshold
        rows.append(
            {
                "slug": slug,
                "rps_a": rps_a.get(slug),
                "rps_b": rps_b.get(slug),
                "ratio": ratio,
                "p95_ratio": _ratio(p95_b.get(slug), p95_a.get(slug)),
                "flag": ("faster" if ratio > 1 else "slower") if moved and ratio is not None else "",
            }
        )
    return rows


def _figure(value: float | None, form: str) -> str:
    return "-" if value is None else format(value, form)


def render(a: Summary, b: Summary, rows: list[dict[str, Any]], threshold: float) -> list[str]:
    lines = [
        f"A: {a['created']}, {describe(a.get('provenance', {}))}",
        f"B: {b['created']}, {describe(b.get('provenance', {}))}",
    ]
    if a["load"] != b["load"]:
        lines.append(f"note: the load differs: A {a['load']}, B {b['load']}")
    lines += [
        "",
        f"| cell | A req/s | B req/s | B ÷ A | p95 B ÷ A | beyond ±{threshold:.0%} |",
        "|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {row['slug']} | {_figure(row['rps_a'], ',.1f')} | {_figure(row['rps_b'], ',.1f')} "
        f"| {_figure(row['ratio'], '.2f')} | {_figure(row['p95_ratio'], '.2f')} | {row['flag']} |"
        for row in rows
    ]
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="make bench-compare A=... B=...",
        description="Requests per second of report B divided by report A, per cell; "
        "flags the cells that moved more than the threshold.",
    )
    parser.add_argument("a", type=Path, help="report folder (or its summary.json), the baseline")
    parser.add_argument("b", type=Path, help="report folder (or its summary.json), the candidate")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="flag |B/A - 1| above this")
    options = parser.parse_args(argv)
    for report in (options.a, options.b):
        if not (report / SUMMARY if report.is_dir() else report).is_file():
            parser.error(f"{str(report) or '(empty)'}: no {SUMMARY} there (A=... B=... name two report folders)")
    a, b = load_summary(options.a), load_summary(options.b)
    rows = compare(a, b, options.threshold)
    print("\n".join(render(a, b, rows, options.threshold)))
    moved = [row["slug"] for row in rows if row["flag"]]
    print(f"\n{len(moved)} of {len(rows)} cells moved beyond ±{options.threshold:.0%}", file=sys.stderr)
    return 0
