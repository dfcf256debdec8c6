"""`make bench-compare A=<report> B=<report>`: B against A, cell by cell, printed
as a table and written as a page beside B's report (compare-<A>.html)."""

import argparse
import sys
from html import escape
from pathlib import Path
from typing import Any

from bench.charts import Series, bar_chart
from bench.pages import write_index
from bench.provenance import describe
from bench.report_html import backend_label, by_workload, page, write_stylesheet
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


def _cells(a: Summary, b: Summary) -> list[dict[str, Any]]:
    """Every cell record of B, then A's cells that B lacks."""
    slugs = {record["slug"] for record in b["cells"]}
    return b["cells"] + [record for record in a["cells"] if record["slug"] not in slugs]


def _moved(row: dict[str, Any]) -> str:
    return f"{row['slug']} {row['ratio']:.2f}x"


def render_page(a: Summary, b: Summary, rows: list[dict[str, Any]], threshold: float) -> str:
    """One chart per workload (A and B side by side per cell), then the table of ratios."""
    by_slug = {row["slug"]: row for row in rows}
    sections = []
    for workload, records in by_workload(_cells(a, b)).items():
        labels = [f"{backend_label(r)}, {r['route']}" for r in records]
        chosen = [by_slug[r["slug"]] for r in records]
        series = [
            Series(f"A {a['created']}", [r["rps_a"] for r in chosen]),
            Series(f"B {b['created']}", [r["rps_b"] for r in chosen]),
        ]
        sections.append(
            f'<section data-workload="{escape(workload)}"><h2>{escape(workload)}</h2>'
            + bar_chart(f"{workload}: throughput, A and B", labels, series, "req/s")
            + "</section>"
        )
    head = "".join(
        f'<th scope="col">{escape(c)}</th>' for c in ("cell", "A req/s", "B req/s", "B ÷ A", "p95 B ÷ A", "moved")
    )
    body = "".join(
        f'<tr data-slug="{escape(row["slug"])}"><td>{escape(row["slug"])}</td><td>{_figure(row["rps_a"], ",.1f")}</td>'
        f"<td>{_figure(row['rps_b'], ',.1f')}</td><td>{_figure(row['ratio'], '.2f')}</td>"
        f"<td>{_figure(row['p95_ratio'], '.2f')}</td><td>{escape(row['flag'] or '-')}</td></tr>"
        for row in rows
    )
    moved = [row for row in rows if row["flag"]]
    notes = [
        f"<p>A: {escape(a['created'])}, {escape(describe(a.get('provenance', {})))}</p>",
        f"<p>B: {escape(b['created'])}, {escape(describe(b.get('provenance', {})))}</p>",
    ]
    if a["load"] != b["load"]:
        notes.append(f"<p>The load differs: A {escape(str(a['load']))}, B {escape(str(b['load']))}.</p>")
    return page(
        f"Gateway Lab: {b['created']} against {a['created']}",
        [
            f'<section class="verdict" aria-labelledby="verdict"><h2 id="verdict">Verdict</h2><p>{len(moved)} of '
            f"{len(rows)} cells moved beyond ±{threshold:.0%}: "
            f"{escape(', '.join(_moved(r) for r in moved) or 'none')}.</p></section>",
            *notes,
            *sections,
            f"<table><caption>Every cell, B ÷ A</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        ],
    )


def write_page(b_dir: Path, a: Summary, b: Summary, rows: list[dict[str, Any]], threshold: float) -> Path:
    """compare-<A's timestamp>.html in B's folder (with the style sheet), and the index again."""
    path = b_dir / f"compare-{a['created']}.html"
    path.write_text(render_page(a, b, rows, threshold))
    write_stylesheet(b_dir)
    return path


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
    if options.b.is_dir():
        written = write_page(options.b, a, b, rows, options.threshold)
        print(f"\npage: {written}")
        if (options.b.parent / "index.html").is_file():
            write_index(options.b.parent)
    moved = [row["slug"] for row in rows if row["flag"]]
    print(f"\n{len(moved)} of {len(rows)} cells moved beyond ±{options.threshold:.0%}", file=sys.stderr)
    return 0
