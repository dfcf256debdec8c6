"""report.html: a verdict, then one section per workload (every backend side by side,
edge and direct paired, each cell's numbers and its throughput over time).

Its style sheet is report.css beside it (a file, not a <style> element: the edge's
Content-Security-Policy allows no inline style); the charts are inline SVG
(bench/charts.py). Generic over backends: a cell is labelled by its backend's
name, and by its interface, server and application where the record has them.
"""

from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

from bench.charts import Line, Series, bar_chart, line_chart, number
from bench.provenance import describe
from bench.summary import (
    PROCESS_MEMORY_NOTE,
    Summary,
    calibration_sentence,
    cost_services,
    load_sentence,
    process_memory_parts,
)

STYLESHEET = "report.css"
STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1f2933; }
table { border-collapse: collapse; margin: .75rem 0 1.25rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { white-space: nowrap; padding: .25rem .5rem; border-bottom: 1px solid #d9dee5; text-align: right; }
th:first-child, td:first-child, .runs td, .runs th, .memory { text-align: left; }
td.memory { white-space: normal; min-width: 14em; }
.steps th { white-space: normal; }
.memory span { white-space: nowrap; }
.warnings li, .flagged { color: #9b2c2c; }
.verdict { background: #f2f6fb; border-left: 4px solid #2f6fb3; padding: .5rem 1rem; }
.verdict li { margin: .25rem 0; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.over-time { display: flex; flex-wrap: wrap; gap: .5rem 1rem; }
.chart { display: block; margin: 1rem 0; max-width: 100%; height: auto; }
.over-time .chart { margin: .25rem 0; }
.chart-title { font-weight: 600; font-size: 13px; fill: #1f2933; }
.legend, .tick, .value, .label { font-size: 11px; fill: #3e4c59; }
.tick { text-anchor: middle; }
.label { text-anchor: end; }
.grid { stroke: #e4e7eb; }
.muted { color: #52606d; }
"""
ROUTES = ("edge", "direct")


def write_stylesheet(directory: Path) -> None:
    (directory / STYLESHEET).write_text(STYLE.lstrip())


def page(title: str, body: Iterable[str]) -> str:
    """An HTML page with the report's style sheet and nothing inline that the CSP forbids."""
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<title>{escape(title)}</title><link rel="stylesheet" href="{STYLESHEET}"></head>',
            f"<body><main><h1>{escape(title)}</h1>",
            *body,
            "</main></body></html>",
        ]
    )


def backend_label(record: dict[str, Any]) -> str:
    """'django' or, with a server-matrix cell's fields, 'django (WSGI · gunicorn-sync · Django)'."""
    parts = [str(record[key]) for key in ("interface", "server", "app") if record.get(key)]
    return f"{record['backend']} ({' · '.join(parts)})" if parts else record["backend"]


def rps(record: dict[str, Any]) -> float | None:
    stats = record.get("stats")
    return stats["requests_per_second"] if stats and stats["requests"] else None


def by_workload(cells: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """workload -> its cells, both in the run's order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in cells:
        groups.setdefault(record["workload"], []).append(record)
    return groups


def _ratio(value: float) -> str:
    return f"{value:,.2f}x" if value < 10 else f"{value:,.0f}x"


def verdict_lines(summary: Summary) -> list[str]:
    """Per workload: who answered most through the edge (else direct), by how much,
    and what the edge keeps of the direct rate; then what to distrust."""
    lines = []
    for workload, records in by_workload(summary["cells"]).items():
        valid = [r for r in records if rps(r) and not r.get("problems")]
        route = "edge" if any(r["route"] == "edge" for r in valid) else "direct"
        ranked = sorted((r for r in valid if r["route"] == route), key=lambda r: -rps(r))
        if not ranked:
            continue
        best = ranked[0]
        line = f"{workload}: {backend_label(best)} leads ({route}) at {number(rps(best))} req/s"
        if len(ranked) > 1:
            line += f", {_ratio(rps(best) / rps(ranked[1]))} {backend_label(ranked[1])}"
        if len(ranked) > 2:
            line += f", {_ratio(rps(best) / rps(ranked[-1]))} {backend_label(ranked[-1])} (last)"
        kept = sorted(r["vs_direct"] for r in valid if r.get("vs_direct"))
        if kept:
            span = f"{kept[0]:.2f}" if kept[0] == kept[-1] else f"{kept[0]:.2f}-{kept[-1]:.2f}"
            line += f"; edge ÷ direct {span}"
        lines.append(line + ".")
    invalid = [r["slug"] for r in summary["cells"] if r.get("problems")]
    flagged = [r["slug"] for r in summary["cells"] if r.get("flags")]
    if invalid:
        lines.append(f"Not valid, left out above: {', '.join(invalid)} (see Warnings).")
    if flagged:
        lines.append(f"The load generator may have set the pace of: {', '.join(flagged)} (see Flags).")
    return lines


def _figure(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _generator_cell(record: dict[str, Any]) -> str:
    generator = record.get("generator") or {}
    share = generator.get("share_of_cores")
    if share is None:
        return "<td>-</td>"
    text = f"{share:.0%} of {generator['cores']}"
    if generator.get("saturated"):
        return f'<td class="flagged">{escape(text)} (flag)</td>'
    return f"<td>{escape(text)}</td>"


COLUMNS = ("backend", "route", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
COST_COLUMNS = ("nginx", "app", "db", "generator")  # summary.cost_services' order
MEMORY_COLUMNS = ("nginx", "app")  # the first two of summary.cost_services
AFTER_COST = ("generator CPU", "÷ its capacity", "edge ÷ direct")


def _head() -> str:
    """Two header rows: the CPU cost's four columns under one heading, the peak memory's two under another."""
    groups = (("CPU seconds per 1,000 requests", COST_COLUMNS), ("peak memory per process", MEMORY_COLUMNS))
    spans = "".join(f'<th scope="colgroup" colspan="{len(columns)}">{title}</th>' for title, columns in groups)
    first = [f'<th scope="col" rowspan="2">{escape(c)}</th>' for c in COLUMNS]
    last = [f'<th scope="col" rowspan="2">{escape(c)}</th>' for c in AFTER_COST]
    second = "".join(f'<th scope="col">{c}</th>' for c in COST_COLUMNS) + "".join(
        f'<th scope="col" class="memory">{c}</th>' for c in MEMORY_COLUMNS
    )
    return f"<thead><tr>{''.join(first)}{spans}{''.join(last)}</tr><tr>{second}</tr></thead>"


def _memory_cell(memory: dict[str, list[dict[str, Any]]], service: str | None) -> str:
    """The peak of each process of the service, by role; '-' where the cell does not pass
    through it or no reading was made (an older report, or --executor local)."""
    parts = process_memory_parts((memory.get(service) if service else None) or [])
    return f'<td class="memory">{" · ".join(f"<span>{escape(part)}</span>" for part in parts) or "-"}</td>'


def _cell_row(record: dict[str, Any]) -> str:
    stats = record.get("stats") or {}
    cost = record.get("cpu_seconds_per_1000_requests") or {}
    services = cost_services(record)
    own = (record.get("files") or {}).get("html") or (record.get("files") or {}).get("log")
    name = escape(backend_label(record))
    link = f'<a href="{escape(own)}">{name}</a>' if own else name
    errors = f"{stats['failures']:,} / {stats['requests']:,}" if stats else "-"
    capacity, direct = record.get("vs_generator_capacity"), record.get("vs_direct")
    cells = [
        f"<td>{link}</td>",
        f"<td>{escape(record['route'])}</td>",
        f"<td>{_figure(stats.get('requests_per_second'), 1)}</td>",
        *(f"<td>{_figure(stats.get(key))}</td>" for key in ("p50_ms", "p95_ms", "p99_ms")),
        f"<td{' class=flagged' if stats.get('failures') else ''}>{errors}</td>",
        *(f"<td>{_figure(cost.get(service) if service else None, 3)}</td>" for service in services),
        *(_memory_cell(record.get("process_memory") or {}, service) for service in services[: len(MEMORY_COLUMNS)]),
        _generator_cell(record),
        f"<td>{'-' if capacity is None else f'{capacity:.2f}'}</td>",
        f"<td>{'-' if direct is None else f'{direct:.2f}'}</td>",
    ]
    return f'<tr data-slug="{escape(record["slug"])}">{"".join(cells)}</tr>'


def littles_law_ms(connections: int, per_second: list[float | None]) -> list[float | None]:
    """Mean latency per whole second of a closed-loop run with no think time:
    connections ÷ answers per second (Little's law, every connection always has
    one request in flight). The first and the last second are partial: None."""
    whole = range(1, len(per_second) - 1)
    return [
        connections / per_second[i] * 1000 if i in whole and per_second[i] else None for i in range(len(per_second))
    ]


def _over_time(record: dict[str, Any], connections: int | None = None) -> str:
    """The cell second by second: answers and failures per second, and latency: the
    generator's percentiles where it records them (Locust), else the mean that
    Little's law gives for wrk's closed loop of `connections`."""
    series = record.get("series")
    if not series or not series["requests_per_second"]:
        return ""
    title = f"{backend_label(record)}, {record['route']}"

    def points(values: list[float | None]) -> list[tuple[float, float | None]]:
        return [(second + 1, value) for second, value in enumerate(values)]

    charts = [
        line_chart(
            f"{title}: throughput",
            [
                Line("answers", points(series["requests_per_second"])),
                Line("failed", points(series["failures_per_second"]), dashed=True),
            ],
            "second of the run",
            "req/s",
        )
    ]
    latency = [Line(key[:3], points(series[key])) for key in ("p50_ms", "p95_ms", "p99_ms") if series.get(key)]
    if latency:
        charts.append(line_chart(f"{title}: latency", latency, "second of the run", "ms"))
    elif connections:
        mean = [Line("mean", points(littles_law_ms(connections, series["requests_per_second"])))]
        charts.append(
            line_chart(f"{title}: mean latency (connections ÷ answers per second)", mean, "second of the run", "ms")
        )
    return "\n".join(charts)


def workload_section(workload: str, records: list[dict[str, Any]], connections: int | None = None) -> str:
    """One chart with every backend side by side (edge and direct paired), the cells' table,
    and each cell over time (`connections`: wrk's closed loop, for its mean latency)."""
    backends = list(dict.fromkeys(backend_label(r) for r in records))
    routes = [route for route in ROUTES if any(r["route"] == route for r in records)]
    routes += sorted({r["route"] for r in records} - set(routes))
    lookup = {(backend_label(r), r["route"]): r for r in records}
    series = [
        Series(route, [rps(lookup[(b, route)]) if (b, route) in lookup else None for b in backends]) for route in routes
    ]
    rows = "".join(_cell_row(r) for r in records)
    over_time = [chart for chart in (_over_time(r, connections) for r in records) if chart]
    return "\n".join(
        [
            f'<section id="workload-{escape(workload)}" data-workload="{escape(workload)}">',
            f"<h2>{escape(workload)}</h2>",
            bar_chart(f"{workload}: throughput", backends, series, "req/s"),
            f"<table><caption>{escape(workload)}: every cell</caption>{_head()}<tbody>{rows}</tbody></table>",
            *(
                [f"<h3>{escape(workload)} over time</h3>", f'<div class="over-time">{"".join(over_time)}</div>']
                if over_time
                else ['<p class="muted">No per-second figures in this run (an older report).</p>']
            ),
            "</section>",
        ]
    )


def listing(title: str, items: list[str], css_class: str) -> str:
    if not items:
        return ""
    entries = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f'<h2>{escape(title)}</h2><ul class="{css_class}">{entries}</ul>'


def render_html(summary: Summary) -> str:
    groups = by_workload(summary["cells"])
    nav = "".join(f'<li><a href="#workload-{escape(w)}">{escape(w)}</a></li>' for w in groups)
    verdict = "".join(f"<li>{escape(line)}</li>" for line in verdict_lines(summary))
    load = summary["load"]
    wrk_connections = load["users"] if load.get("generator") == "wrk" else None
    return page(
        f"Gateway Lab benchmark, {summary['created']}",
        [
            f'<section class="verdict" aria-labelledby="verdict"><h2 id="verdict">Verdict</h2><ul>{verdict}</ul>'
            "<p>Ratios compare requests per second; one run each, so read them against the run-to-run "
            "spread in the README.</p></section>",
            f"<p>{escape(load_sentence(summary))} A cell's name links to the generator's own output. Raw data: "
            '<a href="summary.json">summary.json</a>, <a href="summary.md">summary.md</a>.</p>',
            f"<p>{escape(describe(summary['provenance']))}</p>",
            f"<p>{escape(calibration_sentence(summary))}</p>",
            "<p>CPU seconds per 1,000 requests: the container's mean cores busy under load ÷ requests per "
            "second x 1,000, for the hops a cell passes through (what each costs, even where they share cores). "
            f"{PROCESS_MEMORY_NOTE} "
            "Over time: answers per second by the generator's own count (wrk: loadtest/wrk/report.lua's "
            "per-second counters, and the mean latency Little's law gives for its closed loop, connections ÷ "
            "answers per second, since wrk hands its scripts no per-request times; Locust: its stats history, "
            "with percentiles).</p>",
            f'<nav aria-label="Workloads"><ul>{nav}</ul></nav>',
            listing("Warnings", summary["warnings"], "warnings"),
            listing("Flags", summary.get("flags", []), "warnings"),
            *(workload_section(workload, records, wrk_connections) for workload, records in groups.items()),
            listing("Notes", summary["notes"], "notes"),
        ],
    )
