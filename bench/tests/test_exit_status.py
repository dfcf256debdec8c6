"""`make bench` exits 1 and names the cells whose numbers cannot be trusted, and why."""

import json
from pathlib import Path

import pytest

from bench.tests.conftest import run_bench


def _summary(reports: Path) -> dict:
    return json.loads((reports / "latest" / "summary.json").read_text())


def test_a_valid_run_exits_0_and_records_no_problem(bench_reports: Path) -> None:
    summary = _summary(bench_reports)
    assert all(record["problems"] == [] for record in summary["cells"])
    assert summary["warnings"] == []


def test_failed_requests_fail_the_run_and_name_the_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = run_bench(
        tmp_path, "--edge-host=http://failing", "--direct-host=django=http://django", "--backends=django",
        "--workloads=hello",
    )  # fmt: skip
    assert exit_code == 1
    problems = {record["slug"]: record["problems"] for record in _summary(tmp_path)["cells"]}
    failures = {record["slug"]: record["stats"]["failures"] for record in _summary(tmp_path)["cells"]}
    assert problems["direct-django-hello"] == [] and failures["direct-django-hello"] == 0
    assert failures["edge-django-hello"] > 0
    [problem] = problems["edge-django-hello"]
    assert problem.startswith(f"{failures['edge-django-hello']} failed requests") and "503" in problem
    stderr = capsys.readouterr().err
    assert "1 of 2 cells are not valid" in stderr
    assert f"edge-django-hello: {problem}" in stderr
    assert "direct-django-hello:" not in stderr


def test_locust_out_of_cpu_fails_the_run_even_without_failed_requests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = run_bench(
        tmp_path, "--direct-host=fastapi=http://saturated", "--backends=fastapi", "--routes=direct",
        "--workloads=db",
    )  # fmt: skip
    assert exit_code == 1
    [record] = _summary(tmp_path)["cells"]
    assert record["stats"]["failures"] == 0
    assert "Locust reported its own CPU above 90%" in record["problems"][0]
    assert "direct-fastapi-db: Locust reported its own CPU" in capsys.readouterr().err


def test_a_cell_without_statistics_fails_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = run_bench(tmp_path, "--edge-host=http://crashing", "--routes=edge", "--workloads=static")
    assert exit_code == 1
    [record] = _summary(tmp_path)["cells"]
    assert record["stats"] is None and record["exit_code"] == 1
    assert "edge-nginx-static: no statistics (exit code 1)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "reason"),
    [("http://idle", "no request completed"), ("http://aborting", "Locust exited with code 2")],
)
def test_a_cell_without_requests_or_with_an_error_exit_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], host: str, reason: str
) -> None:
    assert run_bench(tmp_path, f"--edge-host={host}", "--routes=edge", "--workloads=static") == 1
    [record] = _summary(tmp_path)["cells"]
    assert record["stats"]["failures"] == 0
    assert record["problems"][0].startswith(reason)
    assert f"edge-nginx-static: {reason}" in capsys.readouterr().err


def test_a_cell_whose_run_time_limit_fired_early_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_bench(tmp_path, "--edge-host=http://early", "--routes=edge", "--workloads=static") == 1
    [record] = _summary(tmp_path)["cells"]
    assert record["stats"]["requests"] > 0 and record["stats"]["failures"] == 0
    assert record["run_seconds"] == pytest.approx(2 / 10, abs=0.002)  # the stand-in's tenth of --duration=2
    assert f"edge-nginx-static: Locust stopped after {record['run_seconds']:.1f} s of the 2 s asked" in (
        capsys.readouterr().err
    )


def test_a_cell_stopped_a_little_early_is_still_valid(tmp_path: Path) -> None:
    assert run_bench(tmp_path, "--edge-host=http://lagging", "--routes=edge", "--workloads=static") == 0
    [record] = _summary(tmp_path)["cells"]
    assert record["run_seconds"] == pytest.approx(2 - 0.4, abs=0.002) and record["problems"] == []
