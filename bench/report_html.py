"""report.html: the summary table and charts; its style sheet is report.css beside it
(a file, not a <style> element: the edge's Content-Security-Policy allows no inline style)."""

from html import escape
from typing import Any

from bench.charts import Series, bar_chart
from bench.provenance import describe
from bench.summary import (
    COST_COLUMNS,
    TABLE_COLUMNS,
    Summary,
    calibration_sentence,
    cost_rows,
    cost_services,
    load_sentence,
    table_rows,
)

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
        # Each cell's own hops only: other services' CPU is the host's noise.
        hops = [cost_services(record) for record in cells]
        costs = sorted({service for services in hops for service in services if service})
        svgs.append(
            bar_chart(
                "CPU per 1,000 requests",
                labels,
                [
                    Series(
                        service,
                        [
                            r.get("cpu_seconds_per_1000_requests", {}).get(service) if service in own else None
                            for r, own in zip(cells, hops, strict=True)
                        ],
                    )
                    for service in costs
                ],
                "CPU seconds",
            )
        )
        svgs.append(bar_chart("Memory", labels, per_service("memory_max", 2**-20), "peak MiB"))
    return svgs


def _table(summary: Summary) -> str:
    head = "".join(f"<th>{escape(column)}</th>" for column in TABLE_COLUMNS)
    body = []
    for record, row in zip(summary["cells"], table_rows(summary), strict=True):
        own = record["files"].get("html", record["files"]["log"])
        link = f'<a href="{escape(own)}">{escape(row[0])}</a>'
        cells = "".join(f"<td>{escape(value)}</td>" for value in row[1:])
        body.append(f"<tr><td>{link}</td>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cost_table(summary: Summary) -> str:
    rows = cost_rows(summary)
    if not rows:
        return ""
    head = "".join(f"<th>{escape(column)}</th>" for column in COST_COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{escape(value)}</td>" for value in row) + "</tr>" for row in rows)
    return (
        "<h2>CPU seconds per 1,000 requests</h2><p>Mean cores busy under load ÷ requests per second x 1,000, "
        "per container: what each hop costs, even where they share cores.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _list(title: str, items: list[str], css_class: str) -> str:
    if not items:
        return ""
    entries = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f'<h2>{escape(title)}</h2><ul class="{css_class}">{entries}</ul>'


def render_html(summary: Summary) -> str:
    title = f"Gateway Lab benchmark, {summary['created']}"
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<title>{escape(title)}</title><link rel="stylesheet" href="{STYLESHEET}"></head><body>',
            f"<h1>{escape(title)}</h1>",
            f"<p>{escape(load_sentence(summary))} Each cell name links to the generator's own "
            'output. Raw data: <a href="summary.json">summary.json</a>, '
            '<a href="summary.md">summary.md</a>.</p>',
            f"<p>{escape(describe(summary['provenance']))}</p>",
            f"<p>{escape(calibration_sentence(summary))}</p>",
            _list("Warnings", summary["warnings"], "warnings"),
            _list("Flags", summary.get("flags", []), "warnings"),
            _table(summary),
            _cost_table(summary),
            *charts(summary),
            _list("Notes", summary["notes"], "notes"),
            "</body></html>",
        ]
    )
