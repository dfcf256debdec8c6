"""report.html of a capacity run (reports/conns-<timestamp>/summary.json, "kind": "capacity"):
per kind of long-lived connection (WebSocket, SSE, long polling) a chart of connections
held against memory, one line per backend (labelled with its interface, server and
application where a run has them), then every step of every run."""

from html import escape
from typing import Any

from bench.charts import Line, line_chart, number
from bench.report_html import backend_label, listing, page

Capacity = dict[str, Any]
MIB = 2**20


def _held_most(run: dict[str, Any]) -> dict[str, Any] | None:
    """The step that held the most connections (the first of equals)."""
    return max(run["steps"], key=lambda step: step["held"], default=None)


def verdict_lines(summary: Capacity) -> list[str]:
    """Per kind of connection: the backends by connections held, with their memory per connection."""
    lines = []
    for kind, runs in by_kind(summary).items():
        best = [(run, step) for run in runs if (step := _held_most(run))]
        best.sort(key=lambda pair: -pair[1]["held"])
        parts = [
            f"{backend_label(run)} {step['held']:,} of {step['target']:,}"
            + (
                f" at {step['backend_kib_per_connection']:,.1f} KiB each"
                if step.get("backend_kib_per_connection")
                else ""
            )
            for run, step in best
        ]
        if parts:
            lines.append(f"{kind}: held most: {'; '.join(parts)}.")
    return lines


def by_kind(summary: Capacity) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for run in summary["runs"]:
        groups.setdefault(run["kind"], []).append(run)
    return groups


def _memory_chart(kind: str, runs: list[dict[str, Any]]) -> str:
    lines = []
    for run in runs:
        steps = sorted(run["steps"], key=lambda step: step["held"])
        lines.append(Line(backend_label(run), [(s["held"], _mib(s.get("backend_memory_bytes"))) for s in steps]))
        lines.append(
            Line(f"nginx ({run['backend']})", [(s["held"], _mib(s.get("nginx_memory_bytes"))) for s in steps], True)
        )
    return line_chart(f"{kind}: connections held vs memory", lines, "connections held", "MiB", width=800, height=260)


def _mib(value: float | None) -> float | None:
    return None if value is None else value / MIB


def _figure(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


COLUMNS = (
    "target",
    "held",
    "refused",
    "errors",
    "delivery p50 ms",
    "p99 ms",
    "backend MiB",
    "nginx MiB",
    "backend KiB/conn",
    "nginx KiB/conn",
    "CPU %",
    "CPU µs per delivery: backend + nginx + clients",
    "busiest client: CPU, loop lag",
)


def _steps_table(run: dict[str, Any]) -> str:
    head = "".join(f'<th scope="col">{escape(column)}</th>' for column in COLUMNS)
    rows = []
    for step in run["steps"]:
        delivery = step.get("delivery_ms") or {}
        cpu = ", ".join(f"{name} {percent:.0f}" for name, percent in (step.get("cpu_percent") or {}).items())
        spent = step.get("cpu_us_per_delivery")
        load = step.get("client_load") or {}
        client = "-"
        if load.get("cpu_share") is not None:
            # A saturated client delays what it reads: the latencies are then its own (bench/conns/results.py).
            client = f"{load['cpu_share']:.0%}, {load['loop_lag_ms']:.0f} ms"
            client += ", saturated" if load.get("saturated") else ""
        values = [
            f"{step['target']:,}",
            f"{step['held']:,}",
            f"{step['refused']:,}",
            f"{step['errors']:,}",
            _figure(delivery.get("p50"), 1),
            _figure(delivery.get("p99"), 1),
            _figure(_mib(step.get("backend_memory_bytes")), 1),
            _figure(_mib(step.get("nginx_memory_bytes")), 1),
            _figure(step.get("backend_kib_per_connection"), 1),
            _figure(step.get("nginx_kib_per_connection"), 1),
            cpu or "-",
            f"{spent['backend']:.0f} + {spent['nginx']:.0f} + {spent['client']:.0f} = {spent['total']:.0f}"
            if spent
            else "-",
            client,
        ]
        rows.append("<tr>" + "".join(f"<td>{escape(value)}</td>" for value in values) + "</tr>")
    caption = f"{backend_label(run)}, {run['kind']}: every step"
    return (
        f'<table class="steps"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _host(summary: Capacity) -> str:
    host = summary.get("host") or {}
    parts = [f"commit {str(summary.get('commit') or 'unknown')[:12]}"]
    if summary.get("dirty"):
        parts[0] += " with changes not committed"
    if host.get("cores"):
        parts.append(f"{host['cores']} cores")
    if host.get("memory_bytes"):
        parts.append(f"{number(host['memory_bytes'] / 2**30)} GiB of memory")
    return ", ".join(parts) + "."


def render_capacity_html(summary: Capacity) -> str:
    groups = by_kind(summary)
    verdict = "".join(f"<li>{escape(line)}</li>" for line in verdict_lines(summary))
    sections = [
        f'<section id="kind-{escape(kind)}" data-kind="{escape(kind)}"><h2>{escape(kind)}</h2>'
        + _memory_chart(kind, runs)
        + "".join(_steps_table(run) for run in runs)
        + "</section>"
        for kind, runs in groups.items()
    ]
    return page(
        f"Gateway Lab capacity, {summary['created']}",
        [
            f'<section class="verdict" aria-labelledby="verdict"><h2 id="verdict">Verdict</h2><ul>{verdict}</ul>'
            "</section>",
            f"<p>Long-lived connections opened step by step against each backend; {escape(_host(summary))} "
            "Memory is each container's at the step, KiB per connection as the run measured it. "
            'Raw data: <a href="summary.json">summary.json</a>.</p>',
            *sections,
            listing("Notes", summary.get("notes", []), "notes"),
        ],
    )
