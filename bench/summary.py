"""summary.json and summary.md: every cell's numbers, ratios and warnings."""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.execution import LOAD_GENERATOR, CellOutcome, Load
from bench.matrix import CALIBRATION_WORKLOAD, EDGE_SERVICE, STATIC_WORKLOAD
from bench.provenance import describe

Summary = dict[str, Any]


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


# Above this share of its cores the generator, not the stack, may have set
# the pace: the cell is flagged (issue 14).
GENERATOR_CPU_LIMIT = 0.8
# A backend worker that did this share of its workers' CPU over a cell carried
# the cell nearly alone: a direct FastAPI db cell whose 20 keep-alive
# connections all went to one of two Uvicorn workers did 1,509 req/s, against
# 1,952-2,249 split evenly (wrk, 8 s runs, 2026-11-27). Workers that used
# less than half a core between them over the cell (a mostly waiting one, such
# as /io on Uvicorn) were not held back by it: the split means nothing there.
WORKER_SHARE_LIMIT = 0.8
WORKER_CPU_FLOOR_CORES = 0.5
# The workloads that query PostgreSQL: their cells show the database's cost too.
DATABASE_WORKLOADS = ("db", "db_unpooled", "queries", "fortunes", "post_messages")


def _generator_cpu_percent(outcome: CellOutcome) -> tuple[float | None, str | None]:
    """The generator's mean CPU (% of one core) under load, and where it comes from.

    Its own count over the run where it reports one (wrk: exact, even for a
    run of a few seconds that `docker stats` may not sample), else its
    container's `docker stats` samples.
    """
    if outcome.generator_cpu_seconds is not None and outcome.run_seconds:
        return round(100 * outcome.generator_cpu_seconds / outcome.run_seconds, 1), "own"
    usage = outcome.usage.get(LOAD_GENERATOR)
    return (None, None) if usage is None else (usage.cpu_mean, "docker stats")


def _generator(outcome: CellOutcome) -> dict[str, Any]:
    """The load generator's own CPU, as a share of the cores it can use."""
    cpu, source = _generator_cpu_percent(outcome)
    share = None if cpu is None else round(cpu / (100 * outcome.generator_cores), 3)
    return {
        "name": outcome.generator,
        "cores": outcome.generator_cores,
        "cpu_mean": cpu,
        "cpu_source": source,
        "share_of_cores": share,
        "saturated": share is not None and share > GENERATOR_CPU_LIMIT,
    }


def _cpu_per_1000(outcome: CellOutcome) -> dict[str, float]:
    """CPU seconds per 1,000 requests of every sampled service: mean cores busy under load
    / requests per second x 1,000 (services the cell does not use show the host's noise)."""
    rps = outcome.stats.requests_per_second if outcome.stats else 0
    if not rps:
        return {}
    percents = {service: usage.cpu_mean for service, usage in outcome.usage.items()}
    generator, _ = _generator_cpu_percent(outcome)
    if generator is not None:
        percents[LOAD_GENERATOR] = generator
    return {service: round(percent / 100 / rps * 1000, 4) for service, percent in percents.items()}


# Server-Timing's phases in the order a CGI process goes through them
# (cgi_app/gateway_cgi/timing.py); a phase it does not know goes last.
SERVER_TIMING_PHASES = ("start", "import", "connect", "query", "response")


def _server_timing(outcome: CellOutcome) -> dict[str, Any] | None:
    """The mean of each phase the responses' Server-Timing measured, in process order, and their sum."""
    timing = outcome.server_timing
    if not timing:
        return None
    order = [*(p for p in SERVER_TIMING_PHASES if p in timing), *sorted(set(timing) - set(SERVER_TIMING_PHASES))]
    phases = {phase: timing[phase]["mean_ms"] for phase in order}
    return {
        "responses": max(values["responses"] for values in timing.values()),
        "mean_ms": phases,
        "sum_mean_ms": round(sum(phases.values()), 3),
    }


def _files(generator: str, prefix: str) -> dict[str, str]:
    """The cell's own files: Locust's report and CSV, or wrk's output alone."""
    if generator == "locust":
        return {"html": f"{prefix}.html", "stats_csv": f"{prefix}_stats.csv", "log": f"{prefix}.log"}
    return {"log": f"{prefix}.log"}


def _cell_record(outcome: CellOutcome, directory: str) -> dict[str, Any]:
    cell, stats = outcome.cell, outcome.stats
    return {
        "slug": cell.slug,
        "route": cell.route,
        "backend": cell.backend,
        # The backend's rung of the ladder (bench/matrix.py LADDER), to group cells by.
        "interface": cell.rung.interface,
        "server": cell.rung.server,
        "app": cell.rung.app,
        "workload": cell.workload,
        "user_class": cell.user_class,
        "host": cell.host,
        "exit_code": outcome.exit_code,
        "stats": None if stats is None else {**asdict(stats), "failure_ratio": stats.failure_ratio},
        "failure_reasons": outcome.failure_reasons,
        "locust_cpu_warning": outcome.locust_cpu_warning,
        "run_seconds": outcome.run_seconds,
        "resources": {
            service: {key: value for key, value in asdict(usage).items() if key != "processes"}
            for service, usage in outcome.usage.items()
        },
        "process_memory": {
            service: [asdict(peak) for peak in usage.processes]
            for service, usage in outcome.usage.items()
            if usage.processes
        },
        "generator": _generator(outcome),
        "cpu_seconds_per_1000_requests": _cpu_per_1000(outcome),
        "series": None if outcome.series is None else asdict(outcome.series),
        "server_timing": _server_timing(outcome),
        # How long the cell waited for the one before it to go quiet (bench/settle.py).
        "settled": None if outcome.settled is None else asdict(outcome.settled),
        # A second run of the cell: the first's one-worker flag and throughput (bench/run.py).
        "retried": None if outcome.retried is None else asdict(outcome.retried),
        "files": _files(outcome.generator, f"{directory}/{cell.slug}"),
    }


def _throughput(record: dict[str, Any]) -> float | None:
    stats = record["stats"]
    return None if stats is None else stats["requests_per_second"]


def calibration(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The generator's calibration: what it did against nginx alone, at what share of its cores.

    The calibration cell is nginx's `return 200` (no file, no upstream), else,
    in a run without it, the static file. The generator's capacity on this
    host is that cell's rate scaled to all its cores (CPU per request held
    constant): the most any cell could measure.
    """
    measured = [r for r in records if r["stats"]]
    calibrating = next(
        (r for workload in (CALIBRATION_WORKLOAD, STATIC_WORKLOAD) for r in measured if r["workload"] == workload),
        None,
    )
    if calibrating is None:
        return None
    share = calibrating["generator"]["share_of_cores"]
    rps = _throughput(calibrating)
    return {
        "slug": calibrating["slug"],
        "generator": calibrating["generator"]["name"],
        "cores": calibrating["generator"]["cores"],
        "requests_per_second": rps,
        "generator_share_of_cores": share,
        "generator_capacity_rps": round(rps / share, 1) if rps and share else None,
    }


def _add_ratios(records: list[dict[str, Any]], capacity: float | None) -> None:
    """vs_direct: edge / direct, same backend and workload; vs_static: cell / static;
    vs_generator_capacity: cell / the generator's capacity (calibration)."""
    by_key = {(r["route"], r["backend"], r["workload"]): r for r in records}
    static = next((r for r in records if r["workload"] == STATIC_WORKLOAD), None)
    ceiling = _throughput(static) if static else None
    for record in records:
        record["vs_generator_capacity"] = _ratio(_throughput(record), capacity)
        direct = by_key.get(("direct", record["backend"], record["workload"]))
        record["vs_direct"] = (
            _ratio(_throughput(record), _throughput(direct)) if record["route"] == "edge" and direct else None
        )
        record["vs_static"] = None if record is static else _ratio(_throughput(record), ceiling)


GENERATOR_NAMES = {"locust": "Locust", "wrk": "wrk"}
# How much shorter than --run-time a cell may run. Before
# loadtest/scenarios/run_time.py a loaded 2-core host cut 3 s cells to
# 2.6-2.7 s routinely and to 47 ms at worst; now they run 3.00 s.
EARLY_STOP_SECONDS = 1.0
EARLY_STOP_SHARE = 0.1


def _problems(record: dict[str, Any], load: Load) -> list[str]:
    """Why a cell's numbers cannot be trusted; empty when they can."""
    stats = record["stats"]
    problems = []
    generator = GENERATOR_NAMES.get(record["generator"]["name"], record["generator"]["name"])
    ran = record["run_seconds"]
    allowed = max(EARLY_STOP_SECONDS, EARLY_STOP_SHARE * load.duration_seconds)
    if ran is not None and ran < load.duration_seconds - allowed:
        why = "its --run-time timer fired early; " if generator == "Locust" else ""
        problems.append(
            f"{generator} stopped after {ran:.1f} s of the {load.duration_seconds} s asked "
            f"({why}rerun on a quieter host)"
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
        # Locust exits 1 on failed requests (handled above), wrk 0; anything else is an error.
        problems.append(f"{generator} exited with code {record['exit_code']}, see {record['files']['log']}")
    return problems


def _uneven_workers(record: dict[str, Any]) -> str | None:
    """The flag of a cell whose backend's load reached one worker of several."""
    if record["backend"] == EDGE_SERVICE:
        return None  # nginx's own workers: the edge's cost, not the figure's ceiling
    processes = (record.get("process_memory") or {}).get(record["backend"], [])
    cpu = [p["cpu_seconds"] for p in processes if p["role"] == "worker" and p.get("cpu_seconds") is not None]
    floor = WORKER_CPU_FLOOR_CORES * (record.get("run_seconds") or 0)
    if len(cpu) < 2 or sum(cpu) <= floor or max(cpu) < WORKER_SHARE_LIMIT * sum(cpu):
        return None
    again = "in its repeat too" if record.get("retried") else "(repeat it)"
    return (
        f"one of {record['backend']}'s {len(cpu)} workers did {max(cpu) / sum(cpu):.0%} of their CPU: "
        f"the connections reached it, not the others, so this cell measured one worker {again}"
    )


def _repeat_note(record: dict[str, Any]) -> str:
    first = record["retried"]["requests_per_second"]
    return (
        f"{record['slug']}: run twice; the first run measured one worker ({_number(first)} req/s), "
        "the figure is the second's"
    )


def measured_one_worker(outcome: CellOutcome) -> str | None:
    """The one-worker flag the cell's record will carry, known as soon as it ran (bench/run.py repeats it)."""
    return _uneven_workers(_cell_record(outcome, ""))


def _flags(record: dict[str, Any]) -> list[str]:
    """What a reader must know before trusting a valid cell's figure."""
    flags = [flag for flag in (_uneven_workers(record),) if flag]
    settled = record.get("settled")
    if settled and not settled["quiet"]:
        flags.append(
            f"{', '.join(settled['busy'])} still busy {settled['waited_seconds']:.0f} s after the cell before "
            "(bench/settle.py): it shared the cores with this cell"
        )
    generator = record["generator"]
    if not generator["saturated"]:
        return flags
    return [
        *flags,
        f"the load generator ({generator['name']}) used {generator['share_of_cores']:.0%} of its "
        f"{generator['cores']} core{'s' if generator['cores'] > 1 else ''} (above {GENERATOR_CPU_LIMIT:.0%}): "
        "it may have set this cell's pace, not the stack",
    ]


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
    calibrated = calibration(records)
    _add_ratios(records, calibrated and calibrated["generator_capacity_rps"])
    for record in records:
        record["problems"] = _problems(record, load)
        record["flags"] = _flags(record)
    return {
        "created": created,
        "provenance": provenance,
        "load": asdict(load),
        "calibration": calibrated,
        "notes": notes + [_repeat_note(record) for record in records if record.get("retried")],
        "warnings": [f"{record['slug']}: {problem}" for record in records for problem in record["problems"]],
        "flags": [f"{record['slug']}: {flag}" for record in records for flag in record["flags"]],
        "server_timing": [server_timing_line(record) for record in records if record.get("server_timing")],
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


def _mib(values: list[int]) -> str:
    """Bytes in MiB: '88', '1.1' below 10 MiB."""
    return "/".join(f"{v / 2**20:.1f}" if v < 10 * 2**20 else f"{v / 2**20:.0f}" for v in values)


# Roles in the order a reader meets them: what starts the rest, then what serves.
ROLE_ORDER = ("init", "master", "supervisor", "server", "resource tracker", "worker")
LISTED_PEAKS = 3  # up to this many processes of a role each get a figure, more get min-max


def process_memory_parts(peaks: list[dict[str, Any]]) -> list[str]:
    """One service's processes over a cell, a part per role: ['master 45 MiB', '2 workers
    88/90 MiB'], ['8 workers 1.0-1.1 MiB']; the last ends '(since process start)' when a
    peak could not be reset."""
    roles: dict[str, list[int]] = {}
    for peak in sorted(peaks, key=lambda p: ROLE_ORDER.index(p["role"]) if p["role"] in ROLE_ORDER else 99):
        roles.setdefault(peak["role"], []).append(peak["peak_rss_bytes"])
    parts = []
    for role, values in roles.items():
        values.sort()
        low, high = _mib(values[:1]), _mib(values[-1:])
        spread = f"{low} MiB each" if low == high else f"{low}-{high} MiB"
        figures = f"{_mib(values)} MiB" if len(values) <= LISTED_PEAKS else spread
        name = role if len(values) == 1 else f"{len(values)} {role}s"
        parts.append(f"{name} {figures}")
    if any(peak["since"] != "cell" for peak in peaks):
        parts[-1] += " (since process start)"
    return parts


def process_memory_text(peaks: list[dict[str, Any]]) -> str:
    """'master 45 MiB · 2 workers 88/90 MiB', '-' without a reading."""
    return " · ".join(process_memory_parts(peaks)) or "-"


def _generator_cpu(record: dict[str, Any]) -> str:
    """'45% of 1' (its mean CPU over the cores it can use), '!' when flagged."""
    generator = record.get("generator") or {}
    share = generator.get("share_of_cores")
    if share is None:
        return "-"
    return f"{share:.0%} of {generator['cores']}{' !' if generator['saturated'] else ''}"


def load_sentence(summary: Summary) -> str:
    """How every cell was loaded, for the report's first lines."""
    load = summary["load"]
    generator = load.get("generator", "locust")  # reports before wrk ran Locust
    if generator == "wrk":
        how = f"wrk, {load['users']} connections on {load['threads']} thread{'s' if load['threads'] > 1 else ''}"
    else:
        how = f"Locust, {load['users']} users, spawn rate {load['spawn_rate']:g}/s"
    return (
        f"{how}, {load['duration_seconds']} s per cell; closed loop, no think time. Ratios compare requests per second."
    )


def calibration_sentence(summary: Summary) -> str:
    """The generator's capacity on this host, from the calibration cell."""
    calibrated = summary.get("calibration")
    if not calibrated or calibrated["generator_capacity_rps"] is None:
        return "No calibration: the run had no calibration or static cell with the generator's CPU sampled."
    return (
        f"Calibration: {calibrated['slug']} did {calibrated['requests_per_second']:,.0f} req/s with "
        f"{calibrated['generator']} at {calibrated['generator_share_of_cores']:.0%} of its "
        f"{calibrated['cores']} core{'s' if calibrated['cores'] > 1 else ''}, so the generator's capacity "
        f"on this host is about {calibrated['generator_capacity_rps']:,.0f} req/s; "
        "'÷ capacity' is each cell's share of it, 'generator CPU' its own load "
        f"(flagged above {GENERATOR_CPU_LIMIT:.0%})."
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
    "generator CPU",
    "÷ capacity",
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
                _generator_cpu(record),
                _times(record.get("vs_generator_capacity")),
            ]
        )
    return rows


COST_COLUMNS = ("cell", "nginx", "app server", "db", "load generator")


def cost_services(record: dict[str, Any]) -> tuple[str | None, ...]:
    """The services a cell's requests pass through (None: not this cell's), then its generator."""
    edge = EDGE_SERVICE if record["route"] == "edge" else None
    backend = None if record["backend"] == EDGE_SERVICE else record["backend"]
    database = "db" if record["workload"] in DATABASE_WORKLOADS else None
    return (edge, backend, database, LOAD_GENERATOR)


def cost_rows(summary: Summary) -> list[list[str]]:
    """CPU seconds per 1,000 requests of the edge, the cell's app server, the database and the generator."""
    rows = []
    for record in summary["cells"]:
        cost = record.get("cpu_seconds_per_1000_requests") or {}
        if not cost:
            continue
        services = cost_services(record)
        rows.append([record["slug"], *(_number(cost.get(service) if service else None, 3) for service in services)])
    return rows


def process_memory_lines(summary: Summary) -> list[str]:
    """Per cell, the peak of each process of nginx (edge cells) and of the app server."""
    lines = []
    for record in summary["cells"]:
        memory = record.get("process_memory") or {}
        services = [s for s in cost_services(record)[:2] if s and s in memory]
        if services:
            lines.append(f"{record['slug']}: " + "; ".join(f"{s} {process_memory_text(memory[s])}" for s in services))
    return lines


PROCESS_MEMORY_NOTE = (
    "Peak memory per process: the peak resident memory (VmHWM) of each process of the cell's app "
    "container and, through the edge, of nginx's, reset before the cell and read after it "
    "(bench/process_memory.py), by role: the server's master or supervisor, its workers. CGI's "
    "per-request Python processes live a fraction of a second and one still running at the read is "
    "caught mid-request: CGI's figures are fcgiwrap's processes, not the scripts'."
)


def server_timing_line(record: dict[str, Any]) -> str:
    """'edge-cgi-db: start 6.1 + import 95.0 + ... = 111.3 ms per request (mean of 812 responses), p50 ...'."""
    timing = record["server_timing"]
    phases = " + ".join(f"{phase} {ms:.1f}" for phase, ms in timing["mean_ms"].items())
    p50 = (record["stats"] or {}).get("p50_ms")
    latency = "" if p50 is None else f"; the client's p50 latency {p50:.0f} ms"
    return (
        f"{record['slug']}: {phases} = {timing['sum_mean_ms']:.1f} ms in the process per request "
        f"(mean of {timing['responses']:,} responses){latency}"
    )


SERVER_TIMING_NOTE = (
    "Each CGI response's Server-Timing header, measured in its process (cgi_app/gateway_cgi/timing.py), "
    "means under this cell's load in ms: start is fork to the script's first line (on a CPU plus waiting "
    "for one), import the modules up to the route's handler, connect TCP and authentication, query the "
    "statements and closing, response building the body. Writing the body and the interpreter's exit "
    "come after the header and are not in it; the rest of the latency is queueing for a process."
)


def _markdown_table(columns: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(columns))) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def render_markdown(summary: Summary) -> str:
    lines = [
        f"# Gateway Lab benchmark, {summary['created']}",
        "",
        load_sentence(summary),
        "",
        describe(summary["provenance"]),
        "",
        calibration_sentence(summary),
        "",
        *_markdown_table(TABLE_COLUMNS, table_rows(summary)),
    ]
    costs = cost_rows(summary)
    if costs:
        lines += ["", "## CPU seconds per 1,000 requests", "", *_markdown_table(COST_COLUMNS, costs)]
    if summary.get("server_timing"):
        lines += ["", "## CGI cost per request, phase by phase", "", SERVER_TIMING_NOTE, ""]
        lines += [f"- {line}" for line in summary["server_timing"]]
    memory_lines = process_memory_lines(summary)
    if memory_lines:
        lines += ["", "## Peak memory per process", "", PROCESS_MEMORY_NOTE, ""]
        lines += [f"- {line}" for line in memory_lines]
    resource_lines = [f"- {record['slug']}: {_resources(record)}" for record in summary["cells"] if record["resources"]]
    if resource_lines:
        lines += ["", "## CPU (mean under load, % of one core) and peak memory per service", ""]
        lines += resource_lines
    for title, items in (
        ("Warnings", summary["warnings"]),
        ("Flags", summary.get("flags", [])),
        ("Notes", summary["notes"]),
    ):
        if items:
            lines += ["", f"## {title}", ""] + [f"- {item}" for item in items]
    return "\n".join(lines) + "\n"
