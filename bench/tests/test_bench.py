"""The benchmark runner: matrix, run loop, parsing, summary and report (Locust: the stand-in)."""

import ast
import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bench.docker_stats import parse_size, parse_stats_line, summarize
from bench.locust_csv import read_stats, run_seconds, saw_cpu_warning
from bench.matrix import BACKENDS, DEFAULT_DIRECT_HOSTS, VARIANTS, build_matrix
from bench.progress import Progress
from bench.report_html import render_html, verdict_lines
from bench.run import LOCUSTFILE, parse_arguments
from bench.run import main as bench_main
from bench.summary import render_markdown

CELLS = ["edge-nginx-static", "edge-django-hello", "direct-django-hello"]


def _run_dir(reports: Path) -> Path:
    return reports / "latest"


def _summary(reports: Path) -> dict:
    return json.loads((_run_dir(reports) / "summary.json").read_text())


def test_default_matrix_covers_every_backend_and_workload_and_skips_cgi_direct() -> None:
    options = parse_arguments([])
    cells, notes = build_matrix(
        options.backends, options.workloads, options.routes, options.edge_host, DEFAULT_DIRECT_HOSTS
    )
    # nginx alone first: its `return 200` (the calibration), then its static file.
    assert [c.slug for c in cells[:2]] == ["edge-nginx-calibration", "edge-nginx-static"]
    # Six workloads of every backend, plus CGI's floor and its /db past PgBouncer; no POST (it stores rows).
    assert len([c for c in cells if c.route == "edge"]) == 2 + 4 * 6 + 2
    assert len([c for c in cells if c.route == "direct"]) == 3 * 6
    assert [c.slug for c in cells if c.workload == "floor"] == ["edge-cgi-floor"]
    [unpooled] = [c for c in cells if c.workload == "db_unpooled"]
    assert unpooled.slug == "edge-cgi-db_unpooled" and unpooled.request.url == "https://nginx/cgi/direct/db"
    assert not any(c.workload == "post_messages" for c in cells)
    assert not any(c.route == "direct" and c.backend == "cgi" for c in cells)
    assert notes and notes[0].startswith("cgi: ")
    assert options.generator == "wrk"


def test_matrix_filters_are_validated() -> None:
    with pytest.raises(SystemExit):
        parse_arguments(["--workloads=hello,nope"])
    options = parse_arguments(["--backends=fastapi", "--workloads=db", "--routes=direct"])
    cells, _ = build_matrix(options.backends, options.workloads, options.routes, "https://nginx", DEFAULT_DIRECT_HOSTS)
    assert [(c.slug, c.host) for c in cells] == [("direct-fastapi-db", "http://fastapi:8000")]


def test_bench_writes_every_report_file(bench_reports: Path) -> None:
    run_dir = _run_dir(bench_reports)
    latest = bench_reports / json.loads((bench_reports / "latest.json").read_text())["path"]
    assert run_dir.is_symlink() and latest.is_dir() and latest.resolve() == run_dir.resolve()
    for name in ("summary.json", "summary.md", "report.html"):
        assert (run_dir / name).stat().st_size > 0
    for slug in CELLS:
        for suffix in (".html", "_stats.csv", "_stats_history.csv", "_failures.csv", ".log"):
            assert (run_dir / "cells" / f"{slug}{suffix}").exists(), slug + suffix


def test_summary_matches_the_locust_csv_and_computes_ratios(bench_reports: Path) -> None:
    summary = _summary(bench_reports)
    records = {record["slug"]: record for record in summary["cells"]}
    assert list(records) == CELLS
    for slug, record in records.items():
        stats = read_stats(_run_dir(bench_reports) / "cells" / f"{slug}_stats.csv")
        assert record["stats"]["requests"] == stats.requests > 0
        assert record["stats"]["failures"] == 0
        assert record["stats"]["requests_per_second"] == stats.requests_per_second
    rps = {slug: record["stats"]["requests_per_second"] for slug, record in records.items()}
    edge = records["edge-django-hello"]
    assert edge["vs_direct"] == round(rps["edge-django-hello"] / rps["direct-django-hello"], 3)
    assert edge["vs_static"] == round(rps["edge-django-hello"] / rps["edge-nginx-static"], 3)
    assert records["direct-django-hello"]["vs_direct"] is None
    assert records["edge-nginx-static"]["vs_static"] is None
    assert summary["warnings"] == []


def test_aggregated_row_is_what_the_summary_reads(bench_reports: Path) -> None:
    stats_csv = _run_dir(bench_reports) / "cells" / "edge-django-hello_stats.csv"
    rows = list(csv.DictReader(io.StringIO(stats_csv.read_text())))
    aggregated = rows[-1]
    assert aggregated["Name"] == "Aggregated"
    stats = read_stats(stats_csv)
    assert stats.requests == int(aggregated["Request Count"])
    assert stats.p95_ms == float(aggregated["95%"])


def test_markdown_has_one_row_per_cell(bench_reports: Path) -> None:
    markdown = (_run_dir(bench_reports) / "summary.md").read_text()
    table = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert table[0].startswith("| cell | req/s")
    assert [row.split(" | ")[0].lstrip("| ") for row in table[1:]] == CELLS


class SvgCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _parse(html: str) -> SvgCounter:
    parser = SvgCounter()
    parser.feed(html)
    return parser


def _charts(parsed: SvgCounter, kind: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parsed.tags if tag == "svg" and kind in (attrs.get("class") or "")]


def test_report_is_self_contained_and_grouped_by_workload(bench_reports: Path) -> None:
    parsed = _parse((_run_dir(bench_reports) / "report.html").read_text())
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names and "style" not in names
    assert not [attrs for _, attrs in parsed.tags if (attrs.get("src") or attrs.get("href") or "").startswith("http")]
    bars = _charts(parsed, "bars")
    # One throughput chart per workload, every route of it a series: edge and direct paired.
    assert [(a["aria-label"], a["data-series"]) for a in bars] == [
        ("static: throughput (req/s, linear scale)", "edge"),
        ("hello: throughput (req/s, linear scale)", "edge,direct"),
    ]
    marks = [(a["data-series"], a["data-label"]) for tag, a in parsed.tags if tag == "rect" and a.get("class") == "bar"]
    # Each bar names its backend with the ladder's interface, server and app (matrix.LADDER).
    django = "django (WSGI · Gunicorn gthread (the lab's) · Django)"
    assert marks == [("edge", "nginx (HTTP · nginx · static file)"), ("edge", django), ("direct", django)]
    links = [attrs["href"] for tag, attrs in parsed.tags if tag == "a" and attrs["href"].startswith("cells/")]
    assert links == [f"cells/{slug}.html" for slug in CELLS]


def test_report_shows_each_cell_over_time_from_the_generators_own_seconds(bench_reports: Path) -> None:
    summary = _summary(bench_reports)
    cell = summary["cells"][1]
    history = cell["series"]  # Locust's stats history: rates from its cumulative counts, and percentiles
    assert len(history["requests_per_second"]) == summary["load"]["duration_seconds"] + 1
    assert history["requests_per_second"][0] is None  # no second before the first row
    assert sum(history["requests_per_second"][1:]) == cell["stats"]["requests"]
    assert history["p95_ms"][0] is not None
    lines = _charts(_parse(render_html(summary)), "lines")
    assert len(lines) == 2 * len(CELLS)  # throughput and latency per cell
    assert {a["data-series"] for a in lines} == {"answers,failed", "p50,p95,p99"}


def test_report_verdict_names_the_leader_per_workload_and_the_edges_share() -> None:
    cell = {"problems": [], "flags": [], "stats": {"requests": 10}}
    summary = {
        "cells": [
            {**cell, "slug": "edge-a-hello", "route": "edge", "backend": "a", "workload": "hello", "vs_direct": 0.5,
             "stats": {"requests": 10, "requests_per_second": 10.0}},
            {**cell, "slug": "direct-a-hello", "route": "direct", "backend": "a", "workload": "hello",
             "vs_direct": None, "stats": {"requests": 10, "requests_per_second": 20.0}},
            {**cell, "slug": "edge-b-hello", "route": "edge", "backend": "b", "workload": "hello", "vs_direct": None,
             "interface": "WSGI", "server": "gunicorn-sync", "app": "bare", "stats": {"requests": 10,
             "requests_per_second": 40.0}},
            {**cell, "slug": "edge-c-hello", "route": "edge", "backend": "c", "workload": "hello", "vs_direct": None,
             "problems": ["3 failed requests."], "stats": {"requests": 10, "requests_per_second": 80.0}},
        ]
    }  # fmt: skip
    assert verdict_lines(summary) == [
        "hello: b (WSGI · gunicorn-sync · bare) leads (edge) at 40 req/s, 4.00x a; edge ÷ direct 0.50.",
        "Not valid, left out above: edge-c-hello (see Warnings).",
    ]


def test_report_shows_each_hops_cpu_per_1000_requests(bench_reports: Path) -> None:
    summary = _summary(bench_reports)
    line = '{"Name": "gw-nginx-1", "CPUPerc": "42.50%", "MemUsage": "12.5MiB / 1.9GiB"}'
    _name, cpu, memory = parse_stats_line(line)
    usage = summarize([{"nginx": (cpu, memory)}, {"nginx": (cpu / 2, memory)}])["nginx"]
    for record in summary["cells"]:
        record["resources"] = {"nginx": usage.__dict__}
        record["cpu_seconds_per_1000_requests"] = {"nginx": 0.125, "django": 0.5, "db": 9.0}
    html = render_html(summary)
    row = html[html.index('data-slug="edge-django-hello"') :].split("</tr>")[0]
    assert "<td>0.125</td><td>0.500</td><td>-</td>" in row  # nginx, django; hello queries no database
    direct = html[html.index('data-slug="direct-django-hello"') :].split("</tr>")[0]
    assert "<td>-</td><td>0.500</td><td>-</td>" in direct  # no edge on the direct route
    assert "nginx 32%/12 MiB" in render_markdown(summary)


def test_run_seconds_come_from_locusts_own_log_lines() -> None:
    log = (
        "[2026-11-26 06:32:10,657] 2cd1e6f0e547/INFO/locust.main: Run time limit set to 3 seconds\n"
        "[2026-11-26 06:32:10,660] 2cd1e6f0e547/INFO/locust.runners: Ramping to 2 users at a rate of 20.00 per second\n"
        "[2026-11-26 06:32:10,704] 2cd1e6f0e547/INFO/locust.main: --run-time limit reached, shutting down\n"
    )
    assert run_seconds(log) == pytest.approx(0.047)
    assert run_seconds(log.splitlines()[0]) is None


def test_docker_sizes_and_cpu_warning() -> None:
    assert parse_size("1.5KiB") == 1536
    assert parse_size("2MB") == 2_000_000
    with pytest.raises(ValueError):
        parse_size("12 parsecs")
    assert saw_cpu_warning("WARNING/root: CPU usage above 90%! This may constrain your throughput")
    assert not saw_cpu_warning("All users spawned")


def test_progress_line_shows_position_and_eta() -> None:
    line = Progress(4, 15, io.StringIO()).line(1, "edge-cgi-db", 5)
    assert "  2/4 edge-cgi-db" in line
    assert line.endswith("ETA 0m40s")


def test_the_raw_callables_and_every_server_matrix_variant_are_backends() -> None:
    options = parse_arguments(["--backends=wsgi,asgi," + ",".join(VARIANTS), "--workloads=hello"])
    cells, notes = build_matrix(
        options.backends, options.workloads, options.routes, "https://nginx", DEFAULT_DIRECT_HOSTS
    )
    urls = {cell.slug: cell.request.url for cell in cells}
    assert urls["edge-wsgi-hello"] == "https://nginx/wsgi/hello"
    assert urls["edge-was-gunicorn-sync-1-hello"] == "https://nginx/was/gunicorn-sync-1/hello"
    # Straight at the variant's server, the same path (each app strips its own prefix).
    assert urls["direct-was-granian-asgi-hello"] == "http://was-granian-asgi:8000/was/granian-asgi/hello"
    assert len(cells) == 2 * (2 + len(VARIANTS)) and not notes
    # The default stays the stack of a plain `make up`: no variant unless asked.
    assert not set(parse_arguments([]).backends) & set(VARIANTS)


def test_locust_runs_every_backend_with_a_user_class_of_its_own_from_the_locustfile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    arguments = ["--generator=locust", f"--backends={','.join(BACKENDS)}", "--workloads=hello", "--routes=edge"]
    assert bench_main([*arguments, "--dry-run"]) == 0
    # Each line: the cell's slug, then its command, which ends with the user class.
    classes = {line.split()[0]: line.split()[-1] for line in capsys.readouterr().out.splitlines()}
    locustfile = ast.parse(LOCUSTFILE.read_text())
    exported = next(
        ast.literal_eval(node.value)
        for node in locustfile.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "__all__"
    )
    chosen = [classes[f"edge-{backend}-hello"] for backend in BACKENDS]
    assert len(set(chosen)) == len(BACKENDS) and set(chosen) <= set(exported)
