"""report.html: the summary table and charts; its style sheet is report.css beside it
(a file, not a <style> element: the edge's Content-Security-Policy allows no inline style)."""

from html import escape
from typing import Any

from bench.charts import Series, bar_chart
from bench.provenance import describe
from bench.summary import TABLE_COLUMNS, Summary, table_rows

STYLESHEET = "report.css"
STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 900px; color: #1f2933; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #d9dee5; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.warnings li { color: #9b2c2c; }
.chart { display: block; margin: 1.5rem 0; }
.chart-title { font-weight: 600; font-size: 14px; }
.legend, .tick, .value { font-size: 11px; fill: #3e4c59; }
.tick { text-anchor: middle; }
.label { font-size: 11px; text-anchor: end; }
.grid { stroke: #e4e7eb; }
"""


def _stat(record: dict[str, Any], key: str, scale: float = 1.0) -> float | None:
    stats = record["stats"]
    if stats is None or stats[key] is None:
        return None
    return stats[key] * scale


def charts(summary: Summary) -> list[str]:
    """Throughput, latency, failures, and CPU and memory per service."""
    cells = summary["cells"]
    labels = [record["slug"] for record in cells]
    svgs = [
        bar_chart(
            "Throughput",
            labels,
            [Series("req/s", [_stat(r, "requests_per_second") for r in cells])],
            "requests per second",
        ),
        bar_chart(
            "Latency",
            labels,
            [Series(name, [_stat(r, f"{name}_ms") for r in cells]) for name in ("p50", "p95", "p99")],
            "ms",
        ),
        bar_chart(
            "Failures",
            labels,
            [Series("failed", [_stat(r, "failure_ratio", 100) for r in cells])],
            "% of requests",
        ),
    ]
    services = sorted({service for record in cells for service in record["resources"]})
    if services:

        def per_service(key: str, scale: float) -> list[Series]:
            return [
                Series(
                    service,
                    [
                        record["resources"][service][key] * scale if service in record["resources"] else None
                        for record in cells
                    ],
                )
                for service in services
            ]

        svgs.append(bar_chart("CPU", labels, per_service("cpu_mean", 1), "mean % of one core"))
        svgs.append(bar_chart("Memory", labels, per_service("memory_max", 2**-20), "peak MiB"))
    return svgs


def _table(summary: Summary) -> str:
    head = "".join(f"<th>{escape(column)}</th>" for column in TABLE_COLUMNS)
    body = []
    for record, row in zip(summary["cells"], table_rows(summary), strict=True):
        link = f'<a href="{escape(record["files"]["html"])}">{escape(row[0])}</a>'
        cells = "".join(f"<td>{escape(value)}</td>" for value in row[1:])
        body.append(f"<tr><td>{link}</td>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _list(title: str, items: list[str], css_class: str) -> str:
    if not items:
        return ""
    entries = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f'<h2>{escape(title)}</h2><ul class="{css_class}">{entries}</ul>'


def render_html(summary: Summary) -> str:
    load = summary["load"]
    title = f"Gateway Lab benchmark, {summary['created']}"
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<title>{escape(title)}</title><link rel="stylesheet" href="{STYLESHEET}"></head><body>',
            f"<h1>{escape(title)}</h1>",
            f"<p>{load['users']} users, spawn rate {load['spawn_rate']:g}/s, "
            f"{load['duration_seconds']} s per cell; closed loop, no think time. "
            "Ratios compare requests per second; each cell name links to "
            'Locust\'s own report. Raw data: <a href="summary.json">summary.json</a>, '
            '<a href="summary.md">summary.md</a>.</p>',
            f"<p>{escape(describe(summary['provenance']))}</p>",
            _list("Warnings", summary["warnings"], "warnings"),
            _table(summary),
            *charts(summary),
            _list("Notes", summary["notes"], "notes"),
            "</body></html>",
        ]
    )
