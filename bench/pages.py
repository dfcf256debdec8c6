"""The HTML pages under reports/: each run's report.html (a benchmark's or a capacity
run's, by its summary's kind) and the index of every run, reports/index.html.

`python3 -m bench render DIR ... [--index REPORTS]` writes them again from each
folder's summary.json (a kept run of docs/results, a report of an older bench),
and with --index the index of that reports folder.
"""

import argparse
from html import escape
from pathlib import Path
from typing import Any

from bench.capacity_html import render_capacity_html
from bench.report_html import page, render_html, write_stylesheet
from bench.reports import SUMMARY, load_summary

INDEX = "index.html"
REPORT = "report.html"


def write_report(directory: Path, summary: dict[str, Any]) -> None:
    """report.html and its style sheet, for a benchmark or a capacity run. A cell links
    only to its files that are there (a kept run of docs/results has its summary alone)."""
    if summary.get("kind") == "capacity":
        html = render_capacity_html(summary)
    else:
        cells = [
            {**record, "files": {k: v for k, v in record["files"].items() if (directory / v).is_file()}}
            for record in summary["cells"]
        ]
        html = render_html({**summary, "cells": cells})
    (directory / REPORT).write_text(html)
    write_stylesheet(directory)


def _describe(summary: dict[str, Any]) -> str:
    if summary.get("kind") == "edge-cost":
        return f"edge cost: nginx CPU per request at {summary['rate']:g} req/s, {len(summary['rows'])} paths"
    if summary.get("kind") == "capacity":
        kinds = sorted({run["kind"] for run in summary["runs"]})
        return f"capacity: {len(summary['runs'])} runs ({', '.join(kinds)})"
    backends = list(dict.fromkeys(cell["backend"] for cell in summary["cells"]))
    load = summary.get("load") or {}
    return (
        f"benchmark: {len(summary['cells'])} cells, {', '.join(backends)}; "
        f"{load.get('generator', 'locust')}, {load.get('users')} connections, {load.get('duration_seconds')} s per cell"
    )


def write_index(reports_dir: Path) -> None:
    """reports/index.html: every run folder with a summary, newest first, and its comparison pages.

    (Nginx's autoindex listing has no language, landmark or heading: axe-core flags it.)
    """
    folders = [d for d in reports_dir.iterdir() if d.is_dir() and not d.is_symlink() and (d / SUMMARY).is_file()]
    summaries = sorted(((d, load_summary(d)) for d in folders), key=lambda pair: pair[1]["created"], reverse=True)
    rows = []
    for run, summary in summaries:
        commit = (summary.get("provenance") or {}).get("commit") or summary.get("commit") or ""
        report = (
            f'<a href="{escape(run.name)}/{REPORT}">{escape(run.name)}</a>'
            if (run / REPORT).is_file()
            else escape(run.name)
        )
        comparisons = " ".join(
            f'<a href="{escape(run.name)}/{escape(c.name)}">{escape(c.stem)}</a>'
            for c in sorted(run.glob("compare-*.html"))
        )
        rows.append(
            f"<tr><td>{report}</td><td>{escape(_describe(summary))}</td><td>{escape(commit[:12])}</td>"
            f'<td><a href="{escape(run.name)}/{SUMMARY}">{SUMMARY}</a></td><td>{comparisons or "-"}</td></tr>'
        )
    head = "".join(f'<th scope="col">{c}</th>' for c in ("run", "what", "commit", "data", "comparisons"))
    body = (
        f'<table class="runs"><caption>Runs, newest first</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No run yet: <code>make bench</code> writes one here.</p>"
    )
    html = page(
        "Gateway Lab reports",
        [
            "<p>Written by <code>make bench</code> (benchmarks) and the capacity run; "
            '<code>make bench-compare A=... B=...</code> adds a comparison page to B. <a href="/">The lab</a>.</p>',
            body,
        ],
    )
    (reports_dir / INDEX).write_text(html)
    write_stylesheet(reports_dir)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m bench render", description="Write report.html again from each folder's summary.json."
    )
    parser.add_argument("folders", type=Path, nargs="+", help="report folders (each with a summary.json)")
    parser.add_argument("--index", type=Path, metavar="REPORTS", help="also write REPORTS/index.html")
    options = parser.parse_args(argv)
    for folder in options.folders:
        if not (folder / SUMMARY).is_file():
            parser.error(f"{folder}: no {SUMMARY} there")
        write_report(folder, load_summary(folder))
        print(f"report: {folder / REPORT}")
    if options.index:
        write_index(options.index)
        print(f"index: {options.index / INDEX}")
    return 0
