"""summary.json and summary.md: every cell's numbers, ratios and warnings."""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.execution import CellOutcome, Load
from bench.matrix import STATIC_WORKLOAD
from bench.provenance import describe

Summary = dict[str, Any]


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def _cell_record(outcome: CellOutcome, directory: str) -> dict[str, Any]:
    cell, stats = outcome.cell, outcome.stats
    return {
        "slug": cell.slug,
        "route": cell.route,
        "backend": cell.backend,
        "workload": cell.workload,
        "user_class": cell.user_class,
        "host": cell.host,
        "exit_code": outcome.exit_code,
        "stats": None if stats is None else {**asdict(stats), "failure_ratio": stats.failure_ratio},
        "failure_reasons": outcome.failure_reasons,
        "locust_cpu_warning": outcome.locust_cpu_warning,
        "run_seconds": outcome.run_seconds,
        "resources": {service: asdict(usage) for service, usage in outcome.usage.items()},
        "files": {
            "html": f"{directory}/{cell.slug}.html",
            "stats_csv": f"{directory}/{cell.slug}_stats.csv",
            "log": f"{directory}/{cell.slug}.log",
        },
    }


def _throughput(record: dict[str, Any]) -> float | None:
    stats = record["stats"]
    return None if stats is None else stats["requests_per_second"]


def _add_ratios(records: list[dict[str, Any]]) -> None:
    """vs_direct: edge / direct, same backend and workload; vs_static: cell / static."""
    by_key = {(r["route"], r["backend"], r["workload"]): r for r in records}
    static = next((r for r in records if r["workload"] == STATIC_WORKLOAD), None)
    ceiling = _throughput(static) if static else None
    for record in records:
        direct = by_key.get(("direct", record["backend"], record["workload"]))
        record["vs_direct"] = (
            _ratio(_throughput(record), _throughput(direct)) if record["route"] == "edge" and direct else None
        )
        record["vs_static"] = None if record is static else _ratio(_throughput(record), ceiling)


# How much shorter than --run-time a cell may run. Before
# loadtest/scenarios/run_time.py a loaded 2-core host cut 3 s cells to
# 2.6-2.7 s routinely and to 47 ms at worst; now they run 3.00 s.
EARLY_STOP_SECONDS = 1.0
EARLY_STOP_SHARE = 0.1


def _problems(record: dict[str, Any], load: Load) -> list[str]:
    """Why a cell's numbers cannot be trusted; empty when they can."""
    stats = record["stats"]
    problems = []
    ran = record["run_seconds"]
    allowed = max(EARLY_STOP_SECONDS, EARLY_STOP_SHARE * load.duration_seconds)
    if ran is not None and ran < load.duration_seconds - allowed:
        problems.append(
            f"Locust stopped after {ran:.1f} s of the {load.duration_seconds} s asked "
            "(its --run-time timer fired early; rerun on a quieter host)"
        )
    if record["locust_cpu_warning"]:
        problems.append(
            "Locust reported its own CPU above 90%: these numbers measure "
            "the load generator, not the stack (fewer users, or more workers)"
        )
    if stats is None:
        problems.append(f"no statistics (exit code {record['exit_code']}), see {record['files']['log']}")
    elif stats["failures"]:
        first = record["failure_reasons"][0] if record["failure_reasons"] else ""
        problems.append(f"{stats['failures']} failed requests. {first}".strip())
    elif not stats["requests"]:
        problems.append(f"no request completed, see {record['files']['log']}")
    elif record["exit_code"]:
        # Locust exits 1 on failed requests (handled above); anything else is an error.
        problems.append(f"Locust exited with code {record['exit_code']}, see {record['files']['log']}")
    return problems


def invalid_cells(summary: Summary) -> dict[str, list[str]]:
    """slug: problems, for every cell whose numbers cannot be trusted."""
    return {record["slug"]: record["problems"] for record in summary["cells"] if record["problems"]}


def build_summary(
    outcomes: list[CellOutcome],
    load: Load,
    notes: list[str],
    created: str,
    cells_dir: str,
    provenance: dict[str, Any],
) -> Summary:
    records = [_cell_record(outcome, cells_dir) for outcome in outcomes]
    _add_ratios(records)
    for record in records:
        record["problems"] = _problems(record, load)
    return {
        "created": created,
        "provenance": provenance,
        "load": asdict(load),
        "notes": notes,
        "warnings": [f"{record['slug']}: {problem}" for record in records for problem in record["problems"]],
        "cells": records,
    }


def write_json(summary: Summary, path: Path) -> None:
    path.write_text(json.dumps(summary, indent=2) + "\n")


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _resources(record: dict[str, Any]) -> str:
    """'nginx 35%/12 MiB, django 150%/80 MiB' (mean CPU, peak memory)."""
    return ", ".join(
        f"{service} {usage['cpu_mean']:.0f}%/{usage['memory_max'] / 2**20:.0f} MiB"
        for service, usage in record["resources"].items()
    )


TABLE_COLUMNS = (
    "cell",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "failures",
    "edge ÷ direct",
    "÷ static",
)


def table_rows(summary: Summary) -> list[list[str]]:
    """The main table, shared by summary.md and report.html."""
    rows = []
    for record in summary["cells"]:
        stats = record["stats"] or {}
        rows.append(
            [
                record["slug"],
                _number(stats.get("requests_per_second")),
                _number(stats.get("p50_ms"), 0),
                _number(stats.get("p95_ms"), 0),
                _number(stats.get("p99_ms"), 0),
                f"{stats['failures']} / {stats['requests']}" if stats else "-",
                _times(record["vs_direct"]),
                _times(record["vs_static"]),
            ]
        )
    return rows


def render_markdown(summary: Summary) -> str:
    load = summary["load"]
    lines = [
        f"# Gateway Lab benchmark, {summary['created']}",
        "",
        f"{load['users']} users, spawn rate {load['spawn_rate']:g}/s, "
        f"{load['duration_seconds']} s per cell; closed loop, no think time. "
        "Ratios compare requests per second.",
        "",
        describe(summary["provenance"]),
        "",
        "| " + " | ".join(TABLE_COLUMNS) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(TABLE_COLUMNS))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(summary)]
    resource_lines = [f"- {record['slug']}: {_resources(record)}" for record in summary["cells"] if record["resources"]]
    if resource_lines:
        lines += ["", "## CPU (mean, % of one core) and peak memory per service", ""]
        lines += resource_lines
    for title, items in (("Warnings", summary["warnings"]), ("Notes", summary["notes"])):
        if items:
            lines += ["", f"## {title}", ""] + [f"- {item}" for item in items]
    return "\n".join(lines) + "\n"
