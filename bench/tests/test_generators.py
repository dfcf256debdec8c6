"""wrk as the generator, the generator's own CPU and its flag, the calibration, CPU per 1,000 requests."""

import ast
import json
from pathlib import Path

import pytest

from bench.cell_stats import CellStats
from bench.docker_stats import ServiceUsage, summarize
from bench.execution import LOAD_GENERATOR, CellOutcome
from bench.generators import Load, WrkGenerator
from bench.matrix import CALIBRATION_PATH, IO_WAIT_MS, QUERIES_PER_REQUEST, STATIC_PATH, build_matrix
from bench.report_html import littles_law_ms, render_html
from bench.summary import build_summary, render_markdown
from bench.tests.conftest import VALID_RUN, run_bench
from bench.wrk_result import parse, parse_server_timing

PROJECT_DIR = Path(__file__).resolve().parents[2]
WRK_CELLS = [
    "edge-nginx-static",
    "edge-django-hello",
    "direct-django-hello",
    "edge-django-post_messages",
    "direct-django-post_messages",
]


def _summary(reports: Path) -> dict:
    return json.loads((reports / "latest" / "summary.json").read_text())


def test_wrk_run_reads_each_cell_from_wrks_own_result_line(wrk_reports: Path) -> None:
    summary = _summary(wrk_reports)
    assert summary["load"]["generator"] == "wrk" and summary["load"]["threads"] == 1
    records = {record["slug"]: record for record in summary["cells"]}
    assert sorted(records) == sorted(WRK_CELLS)
    for slug, record in records.items():
        log = (wrk_reports / "latest" / record["files"]["log"]).read_text()
        result = parse(log)
        assert record["stats"]["requests"] == result.stats.requests > 0
        assert record["stats"]["requests_per_second"] == pytest.approx(result.stats.requests / 2)
        assert record["run_seconds"] == 2.0 and record["problems"] == []
        assert record["generator"]["name"] == "wrk" and record["generator"]["cores"] == 1
        assert list(record["files"]) == ["log"], slug  # no Locust report or CSV
    # The one POST sends its body as the arguments report.lua's init() reads.
    post = (wrk_reports / "latest" / records["edge-django-post_messages"]["files"]["log"]).read_text()
    assert 'script arguments: [\'POST\', \'{"author": "wrk-django"' in post and "'application/json']" in post
    hello = (wrk_reports / "latest" / records["edge-django-hello"]["files"]["log"]).read_text()
    assert "script arguments: []" in hello
    assert "wrk, 2 connections on 1 thread, 2 s per cell" in (wrk_reports / "latest" / "summary.md").read_text()


def test_each_cell_names_its_interface_server_and_app(wrk_reports: Path) -> None:
    """summary.json carries each backend's rung of the ladder, so a report can group by any of them."""
    records = {record["slug"]: record for record in _summary(wrk_reports)["cells"]}
    django = records["edge-django-hello"]
    assert (django["interface"], django["server"], django["app"]) == ("WSGI", "Gunicorn gthread (the lab's)", "Django")
    assert records["direct-django-hello"]["server"] == django["server"]
    static = records["edge-nginx-static"]
    assert (static["interface"], static["server"]) == ("HTTP", "nginx")


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("http://failing", "3 failed requests. 3x answers with a status above 399"),
        ("http://crashing", "no statistics (exit code 1)"),
        ("http://idle", "no request completed"),
        ("http://early", "wrk stopped after 0.2 s of the 2 s asked"),
    ],
)
def test_wrk_cells_that_cannot_be_trusted_fail_the_run(tmp_path: Path, host: str, problem: str) -> None:
    assert run_bench(tmp_path, f"--edge-host={host}", "--routes=edge", "--workloads=static", generator="wrk") == 1
    [record] = _summary(tmp_path)["cells"]
    assert record["problems"][0].startswith(problem)


def test_wrk_command_line_sizes_the_load_and_carries_a_body() -> None:
    cells, _ = build_matrix(["fastapi"], ["post_messages", "io", "static"], ["edge"], "https://nginx", {})
    wrk = WrkGenerator(["wrk"], "/report.lua")
    commands = {cell.slug: wrk.command(cell, Load(20, 20, 10, "wrk", 2), "unused") for cell in cells}
    assert commands["edge-nginx-static"] == [
        "wrk", "--threads=2", "--connections=20", "--duration=10s", "--timeout=10s", "--script=/report.lua",
        f"https://nginx{STATIC_PATH}",
    ]  # fmt: skip
    assert commands["edge-fastapi-io"][-1] == f"https://nginx/fastapi/io?ms={IO_WAIT_MS}"
    post = commands["edge-fastapi-post_messages"]
    assert post[-5:-3] == ["https://nginx/fastapi/messages", "--"]
    assert post[-3] == "POST" and json.loads(post[-2])["author"] == "wrk-fastapi" and post[-1] == "application/json"


def test_wrk_result_without_answers_has_no_percentiles_and_without_its_line_is_an_error() -> None:
    line = (
        'wrk-result {"requests": 0, "duration_us": 2000000, "bytes": 0, "errors": {"connect": 2, "read": 0, '
        '"write": 0, "status": 0, "timeout": 5}, "latency_us": {"mean": 0.0, "max": 0, "p50": 0, "p95": 0, "p99": 0}}'
    )
    result = parse(f"Running 2s test @ https://nginx/\n{line}\n")
    assert result.stats.requests == 0 and result.stats.p95_ms is None and result.stats.failures == 7
    assert result.failure_reasons == ["2x could not connect", "5x no answer within --timeout"]
    assert result.series is None  # a line without report.lua's per-second counters
    counted = parse(line[:-1] + ', "per_second": {"answers": [5, 9, 2], "failed": [0, 1, 0]}}')
    assert counted.series.requests_per_second == [5, 9, 2] and counted.series.failures_per_second == [0, 1, 0]
    with pytest.raises(ValueError, match="wrk did not finish"):
        parse("unable to connect to nginx:https Connection refused\n")


def test_the_paths_are_the_locust_scenarios_own() -> None:
    """bench/matrix.py repeats loadtest/scenarios/settings.py for wrk: both must say the same."""
    tree = ast.parse((PROJECT_DIR / "loadtest" / "scenarios" / "settings.py").read_text())
    constants = {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert ast.literal_eval(constants["QUERIES_PER_REQUEST"]) == QUERIES_PER_REQUEST
    assert ast.literal_eval(constants["IO_WAIT_MS"]) == IO_WAIT_MS
    static_default = constants["STATIC_PATH"]
    assert isinstance(static_default, ast.Call) and ast.literal_eval(static_default.args[1]) == STATIC_PATH
    assert ast.literal_eval(constants["CALIBRATION_PATH"]) == CALIBRATION_PATH


def test_the_calibration_path_is_nginxs_return_200() -> None:
    """The calibration cell asks for the location that answers from nginx alone."""
    route = (PROJECT_DIR / "nginx" / "routes" / "edge-calibration.conf").read_text()
    assert f"location = {CALIBRATION_PATH} {{" in route and "return 200 " in route
    assert "proxy_pass" not in route and "fastcgi_pass" not in route and "root " not in route
    assert "include routes/edge-calibration.conf;" in (PROJECT_DIR / "nginx" / "conf.d" / "gateway.conf").read_text()


def _outcome(slug: str, rps: float, usage: dict[str, float], cores: int = 1) -> CellOutcome:
    route, backend, workload = slug.split("-")
    [cell] = [c for c in build_matrix([backend], [workload], [route], "https://nginx", {backend: "http://x"})[0]]
    stats = CellStats(int(rps * 10), 0, rps, 0.0, 5.0, 4.0, 9.0, 12.0, 30.0)
    return CellOutcome(
        cell=cell,
        exit_code=0,
        stats=stats,
        failure_reasons=[],
        locust_cpu_warning=False,
        run_seconds=10.0,
        usage={service: ServiceUsage(cpu, cpu, 2**20) for service, cpu in usage.items()},
        generator="wrk",
        generator_cores=cores,
    )


def test_generator_cpu_is_flagged_above_80_percent_of_its_cores_and_calibrates_the_run() -> None:
    outcomes = [
        # Calibration: wrk at half its one core for 10,000 req/s: its capacity here is 20,000.
        _outcome("edge-nginx-static", 10_000, {"nginx": 80.0, LOAD_GENERATOR: 50.0}),
        _outcome("edge-fastapi-json", 4_000, {"nginx": 60.0, "fastapi": 100.0, LOAD_GENERATOR: 90.0}),
        # 150 % of two cores is 75 %: below the flag.
        _outcome("direct-fastapi-json", 8_000, {"fastapi": 120.0, LOAD_GENERATOR: 150.0}, cores=2),
    ]
    summary = build_summary(outcomes, Load(20, 20, 10), [], "T", "cells", {})
    records = {record["slug"]: record for record in summary["cells"]}
    assert summary["calibration"]["generator_capacity_rps"] == 20_000
    assert records["edge-fastapi-json"]["vs_generator_capacity"] == 0.2
    assert records["edge-fastapi-json"]["generator"]["share_of_cores"] == 0.9
    assert records["edge-fastapi-json"]["generator"]["saturated"]
    assert not records["direct-fastapi-json"]["generator"]["saturated"]
    assert records["direct-fastapi-json"]["generator"]["share_of_cores"] == 0.75
    assert not records["edge-nginx-static"]["generator"]["saturated"]
    # A flag, not a problem: the cell stays valid, and the reader is told.
    assert all(record["problems"] == [] for record in records.values())
    assert [flag.split(":")[0] for flag in summary["flags"]] == ["edge-fastapi-json"]
    assert "used 90% of its 1 core" in summary["flags"][0]
    markdown = render_markdown(summary)
    assert "capacity on this host is about 20,000 req/s" in markdown
    assert "| edge-fastapi-json | 4,000.0 |" in markdown and "| 90% of 1 ! | 0.20x |" in markdown


def test_cpu_seconds_per_1000_requests_per_container() -> None:
    outcome = _outcome("edge-fastapi-db", 500, {"nginx": 25.0, "fastapi": 90.0, "db": 40.0, LOAD_GENERATOR: 5.0})
    [record] = build_summary([outcome], Load(20, 20, 10), [], "T", "cells", {})["cells"]
    # 0.25 cores busy at 500 req/s: 0.5 ms of CPU per request, 0.5 s per 1,000.
    assert record["cpu_seconds_per_1000_requests"] == {"nginx": 0.5, "fastapi": 1.8, "db": 0.8, LOAD_GENERATOR: 0.1}
    markdown = render_markdown(build_summary([outcome], Load(20, 20, 10), [], "T", "cells", {}))
    assert "| edge-fastapi-db | 0.500 | 1.800 | 0.800 | 0.100 |" in markdown
    direct = _outcome("direct-fastapi-hello", 500, {"nginx": 5.0, "fastapi": 50.0, "db": 3.0})
    summary = build_summary([direct], Load(20, 20, 10), [], "T", "cells", {})
    assert "| direct-fastapi-hello | - | 1.000 | - | - |" in render_markdown(summary)  # not its hops: noise


def test_usage_counts_only_the_samples_taken_while_the_generator_ran() -> None:
    samples = [
        {"nginx": (1.0, 10)},  # before the generator's container started
        {"nginx": (60.0, 20), LOAD_GENERATOR: (30.0, 5)},
        {"nginx": (80.0, 30), LOAD_GENERATOR: (50.0, 5)},
        {"nginx": (2.0, 40)},  # after it exited
    ]
    usage = summarize(samples, during=LOAD_GENERATOR)
    assert usage["nginx"].cpu_mean == 70.0 and usage["nginx"].memory_max == 30
    assert summarize(samples)["nginx"].cpu_mean == pytest.approx((1 + 60 + 80 + 2) / 4, abs=0.05)
    assert summarize(samples[:1], during=LOAD_GENERATOR)["nginx"].cpu_mean == 1.0  # no loaded sample: all of them


def test_locust_stays_available_with_its_own_files(bench_reports: Path) -> None:
    summary = _summary(bench_reports)
    assert summary["load"]["generator"] == "locust"
    assert all(set(record["files"]) == {"html", "stats_csv", "log"} for record in summary["cells"])
    assert run_bench(bench_reports.parent / "dry", *VALID_RUN, "--dry-run") == 0


def test_wrks_own_cpu_count_is_its_cpu_and_flags_a_saturated_cell(tmp_path: Path, wrk_reports: Path) -> None:
    for record in _summary(wrk_reports)["cells"]:
        assert record["generator"]["cpu_source"] == "own"  # no docker stats in a local run
        assert record["generator"]["share_of_cores"] == 0.1 and not record["generator"]["saturated"]
    saturated = ("--edge-host=http://saturated", "--routes=edge", "--workloads=static")
    assert run_bench(tmp_path, *saturated, generator="wrk") == 0
    summary = _summary(tmp_path)
    [record] = summary["cells"]
    assert record["generator"]["share_of_cores"] == 0.9 and record["generator"]["saturated"]
    assert record["problems"] == [] and summary["flags"] == [
        "edge-nginx-static: the load generator (wrk) used 90% of its 1 core (above 80%): "
        "it may have set this cell's pace, not the stack"
    ]


def test_nginxs_return_200_runs_first_and_calibrates_the_run_before_the_static_file() -> None:
    cells, _ = build_matrix(["cgi"], ["floor", "static", "calibration"], ["edge"], "https://nginx", {})
    assert [cell.slug for cell in cells] == ["edge-nginx-calibration", "edge-nginx-static", "edge-cgi-floor"]
    assert cells[0].request.url == f"https://nginx{CALIBRATION_PATH}"
    outcomes = [
        # The static file costs nginx more: wrk at 40 % of its core for 8,000 req/s (capacity 20,000).
        _outcome("edge-nginx-static", 8_000, {"nginx": 90.0, LOAD_GENERATOR: 40.0}),
        # return 200: wrk at 80 % of its core for 20,000 req/s: capacity 25,000, the run's.
        _outcome("edge-nginx-calibration", 20_000, {"nginx": 70.0, LOAD_GENERATOR: 80.0}),
        _outcome("edge-cgi-floor", 250, {"nginx": 10.0, "cgi": 190.0, LOAD_GENERATOR: 1.0}),
    ]
    summary = build_summary(outcomes, Load(20, 20, 10), [], "T", "cells", {})
    assert summary["calibration"]["slug"] == "edge-nginx-calibration"
    assert summary["calibration"]["generator_capacity_rps"] == 25_000
    records = {record["slug"]: record for record in summary["cells"]}
    assert records["edge-cgi-floor"]["vs_generator_capacity"] == 0.01
    assert records["edge-nginx-static"]["vs_generator_capacity"] == 0.32
    # Without its cell (an older report, or --workloads without it) the static file calibrates.
    without = build_summary(outcomes[:1] + outcomes[2:], Load(20, 20, 10), [], "T", "cells", {})
    assert without["calibration"]["slug"] == "edge-nginx-static"
    assert without["calibration"]["generator_capacity_rps"] == 20_000


def test_cgi_cells_record_the_server_timing_of_their_responses(tmp_path: Path) -> None:
    """CGI cells run server-timing.lua; the mean of each phase lands in summary.json and summary.md."""
    cells, _ = build_matrix(["cgi", "django"], ["db"], ["edge"], "https://nginx", {})
    wrk = WrkGenerator(["wrk"], "/share/wrk/report.lua")
    scripts = {cell.slug: wrk.command(cell, Load(20, 20, 10), "unused")[5] for cell in cells}
    assert scripts == {
        "edge-cgi-db": "--script=/share/wrk/server-timing.lua",
        "edge-django-db": "--script=/share/wrk/report.lua",
    }

    arguments = ("--edge-host=http://edge", "--routes=edge", "--backends=cgi,django", "--workloads=db,floor")
    assert run_bench(tmp_path, *arguments, generator="wrk") == 0
    summary = _summary(tmp_path)
    records = {record["slug"]: record for record in summary["cells"]}
    db = records["edge-cgi-db"]
    measured = parse_server_timing((tmp_path / "latest" / db["files"]["log"]).read_text())
    assert list(db["server_timing"]["mean_ms"]) == ["start", "import", "connect", "query", "response"]
    assert db["server_timing"]["mean_ms"] == {phase: values["mean_ms"] for phase, values in measured.items()}
    assert db["server_timing"]["sum_mean_ms"] == pytest.approx(sum(v["mean_ms"] for v in measured.values()))
    assert db["server_timing"]["responses"] == db["stats"]["requests"]
    # The floor's program sends no Server-Timing; Django's cell does not read it.
    assert records["edge-cgi-floor"]["server_timing"] is None and records["edge-django-db"]["server_timing"] is None
    [line] = summary["server_timing"]
    assert line.startswith(f"edge-cgi-db: start {measured['start']['mean_ms']:.1f} + import ")
    assert f"= {db['server_timing']['sum_mean_ms']:.1f} ms in the process per request" in line
    markdown = (tmp_path / "latest" / "summary.md").read_text()
    assert "## CGI cost per request, phase by phase" in markdown and f"- {line}" in markdown


def test_wrk_cells_show_the_mean_latency_littles_law_gives(wrk_reports: Path) -> None:
    # 20 connections always in flight: 200 answers in a second is 100 ms each; partial seconds say nothing.
    assert littles_law_ms(20, [50, 200, 100, 10]) == [None, 100.0, 200.0, None]
    summary = _summary(wrk_reports)
    title = ": mean latency (connections ÷ answers per second)"
    assert summary["load"]["generator"] == "wrk" and summary["cells"][0]["series"]
    for cell in summary["cells"]:
        cell["series"] = {"requests_per_second": [50, 200, 100, 10], "failures_per_second": [0, 0, 0, 0]}
    html = render_html(summary)
    assert title in html and html.count('class="line" data-series="mean"') == len(summary["cells"])  # a line per cell
    summary["load"]["generator"] = "locust"  # Locust records percentiles itself: no derived line
    assert title not in render_html(summary)
