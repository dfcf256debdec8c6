"""`make bench-edge`: nginx's CPU per request at one paced rate, static file against proxied."""

import json
from pathlib import Path

import pytest

from bench import container_cpu, edge_cost
from bench.edge_cost import Run
from bench.pages import write_index


def test_cpu_usage_reads_cgroup_v2_microseconds_and_v1_nanoseconds() -> None:
    v2 = "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n"
    assert container_cpu.parse(v2) == 2.5
    assert container_cpu.parse("3665914679\n") == pytest.approx(3.665914679)
    assert container_cpu.parse("usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n") == pytest.approx(0.0015)
    assert container_cpu.parse("5758346819\n") == pytest.approx(5.758346819)
    with pytest.raises(ValueError):
        container_cpu.parse("")


def test_pace_is_the_wait_per_connection_for_the_asked_rate() -> None:
    assert edge_cost.pace_ms(300, 16) == 53  # 16 connections x 1000 / 300
    assert edge_cost.pace_ms(1000, 16) == 16
    assert edge_cost.pace_ms(10**9, 16) == 0


def test_paths_start_with_the_static_file_then_each_backend_row_under_its_prefix() -> None:
    rows = edge_cost.paths(["django", "was-granian-asgi"], ["hello", "db"])
    assert [(r.label, r.path, r.service) for r in rows] == [
        ("static", "/static/landing/style.css", None),
        ("django hello", "/django/hello", "django"),
        ("django db", "/django/db", "django"),
        ("was-granian-asgi hello", "/was/granian-asgi/hello", "was-granian-asgi"),
        ("was-granian-asgi db", "/was/granian-asgi/db", "was-granian-asgi"),
    ]


def _run(label: str, requests: int, nginx: float, app: float | None = None, seconds: float = 10.0) -> Run:
    return Run(label, requests, seconds, 0, nginx, app)


def test_summary_takes_medians_per_path_and_divides_nginx_cost_by_the_static_row() -> None:
    runs = [
        _run("static", 3000, 0.15),  # 0.05 ms per request
        _run("fastapi hello", 3000, 0.30, 0.9),  # 0.10
        _run("static", 3000, 0.18),  # 0.06
        _run("fastapi hello", 3000, 0.36, 1.2),  # 0.12
        _run("static", 3000, 0.21),  # 0.07
        _run("fastapi hello", 1000, 0.20, 0.5, seconds=10.0),  # 0.20, and below the asked rate
    ]
    rows = {row["path"]: row for row in edge_cost.summarize(runs, rate=300)}
    assert rows["static"]["nginx_ms_per_request"] == pytest.approx(0.06)
    assert rows["static"]["nginx_vs_static"] == 1.0
    assert rows["fastapi hello"]["nginx_ms_per_request"] == pytest.approx(0.12)
    assert rows["fastapi hello"]["nginx_vs_static"] == 2.0
    assert rows["fastapi hello"]["app_ms_per_request"] == pytest.approx(0.4)
    assert rows["fastapi hello"]["requests_per_second"] == 300.0  # median of 300, 300, 100
    assert rows["static"]["app_ms_per_request"] is None


def test_a_row_below_the_asked_rate_is_marked_at_its_ceiling() -> None:
    runs = [_run("static", 3000, 0.15), _run("django-asgi db", 2000, 0.2, 2.0)]
    rows = edge_cost.summarize(runs, rate=300)
    assert [row["kept_rate"] for row in rows] == [True, False]
    table = edge_cost.render_markdown(rows, 300, "commit x")
    assert "| django-asgi db (at its ceiling) | 200 |" in table
    assert "| static | 300 | 0 | 0.0500 | 1.0 |  |" in table


def test_unknown_backends_and_workloads_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        edge_cost.parse_arguments(["--backends", "django,nope"])
    assert "unknown: nope" in capsys.readouterr().err


def test_the_reports_index_lists_an_edge_cost_run_beside_a_benchmark(tmp_path: Path) -> None:
    run = tmp_path / "edge-20261126T160000Z"
    run.mkdir()
    rows = edge_cost.summarize([_run("static", 3000, 0.15)], rate=300)
    summary = {"kind": "edge-cost", "created": "2026-11-26T16:00:00+00:00", "rate": 300, "rows": rows}
    (run / "summary.json").write_text(json.dumps(summary))
    write_index(tmp_path)
    index = (tmp_path / "index.html").read_text()
    assert "edge cost: nginx CPU per request at 300 req/s, 1 paths" in index
    assert 'href="edge-20261126T160000Z/summary.json"' in index
