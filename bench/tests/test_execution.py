"""The compose executor's lifecycle: one generator container per run, a `docker exec`
per cell, and the container removed at the end, also when a cell fails, overruns
or the run is interrupted (`docker` is the stand-in bench/tests/fake_docker.py)."""

import json
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import bench.container_cpu
import bench.execution
import bench.run
import bench.settle
from bench.docker_stats import StatsSampler
from bench.execution import ComposeExecutor
from bench.generators import Load, LocustGenerator
from bench.matrix import build_matrix
from bench.stack import Compose

FAKE_DOCKER = Path(__file__).with_name("fake_docker.py")
Calls = Callable[[], list[list[str]]]


@pytest.fixture
def docker_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Calls:
    """`docker` on PATH is the stand-in; the calls it got, in order."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text(f'#!/bin/sh\nexec {sys.executable} {FAKE_DOCKER} "$@"\n')
    docker.chmod(0o755)
    log = tmp_path / "docker-calls.jsonl"
    log.touch()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_DOCKER_LOG", str(log))
    monkeypatch.setenv("FAKE_DOCKER_SERVICES", "nginx,django")
    return lambda: [json.loads(line) for line in log.read_text().splitlines()]


def run_compose_bench(reports: Path, edge_host: str = "http://edge") -> int:
    """Django's hello through the 'edge' and 'direct': two cells of 1 s, with wrk."""
    return bench.run.main(
        [
            "--executor=compose",
            "--users=2",
            "--threads=1",
            "--duration=1",
            f"--edge-host={edge_host}",
            "--direct-host=django=http://django",
            "--backends=django",
            "--workloads=hello",
            f"--reports-dir={reports}",
        ]
    )


def lifecycle(calls: list[list[str]]) -> list[str]:
    """The generator container's calls in order: run, exec, rm (not ps, stats, build,
    nor the execs into the stack's containers that read each process's peak memory)."""
    steps = []
    for call in calls:
        if call[:2] == ["compose", "run"]:
            steps.append("run")
        elif call[0] == "rm" or (call[0] == "exec" and any(arg.startswith("gateway-bench-") for arg in call)):
            steps.append(call[0])
    return steps


def test_a_run_starts_one_generator_container_execs_each_cell_in_it_and_removes_it(
    tmp_path: Path, docker_calls: Calls
) -> None:
    assert run_compose_bench(tmp_path / "reports") == 0
    calls = docker_calls()
    assert lifecycle(calls) == ["run", "exec", "exec", "rm"]
    [run] = [call for call in calls if call[:2] == ["compose", "run"]]
    run_dir = (tmp_path / "reports" / "latest").resolve()
    name = f"gateway-bench-{run_dir.name}"
    assert {"--detach", "--rm", "--no-deps", f"--name={name}", "--entrypoint=sleep"} <= set(run)
    assert f"--volume={run_dir / 'cells'}:/reports" in run
    service, lifetime = run[-2:]
    assert service == "wrk" and int(lifetime) >= 2 * (1 + bench.execution.GRACE_SECONDS)  # outlives every cell
    execs = [call for call in calls if call[0] == "exec" and call[1] == name]
    assert [call[1:3] for call in execs] == [[name, "wrk"]] * 2
    assert [call[-1] for call in execs] == ["http://edge/django/hello", "http://django/django/hello"]
    assert calls[-1] == ["rm", "--force", name]
    summary = json.loads((run_dir / "summary.json").read_text())
    # wrk's own CPU, from its process, as with a container per cell.
    assert [cell["generator"]["cpu_source"] for cell in summary["cells"]] == ["own", "own"]


def test_each_cell_after_the_first_waits_for_the_services_the_one_before_loaded(
    tmp_path: Path, docker_calls: Calls
) -> None:
    assert run_compose_bench(tmp_path / "reports") == 0
    reads = [call[1] for call in docker_calls() if call[0] == "exec" and call[-1] == bench.container_cpu.COMMAND]
    # Before the direct cell: the edge cell's nginx and Django, read at the start and end of one window.
    assert sorted(reads) == ["fake-django-1", "fake-django-1", "fake-nginx-1", "fake-nginx-1"]
    cells = json.loads(((tmp_path / "reports" / "latest") / "summary.json").read_text())["cells"]
    assert cells[0]["settled"] is None
    assert cells[1]["settled"]["quiet"] and cells[1]["settled"]["waited_seconds"] >= bench.settle.WINDOW_SECONDS


def test_the_generator_container_is_removed_when_a_cell_fails(tmp_path: Path, docker_calls: Calls) -> None:
    assert run_compose_bench(tmp_path / "reports", edge_host="http://crashing") == 1
    assert lifecycle(docker_calls()) == ["run", "exec", "exec", "rm"]


def test_the_generator_container_is_removed_when_the_run_is_interrupted(
    tmp_path: Path, docker_calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C during the first cell

    monkeypatch.setattr(bench.run, "run_cell", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_compose_bench(tmp_path / "reports")
    assert lifecycle(docker_calls()) == ["run", "rm"]


def test_the_generator_container_is_removed_when_the_run_is_terminated(
    tmp_path: Path, docker_calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    def terminated(*_: object, **__: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # `timeout` or `kill` during the first cell
        time.sleep(5)  # the handler runs before this ends

    monkeypatch.setattr(bench.run, "run_cell", terminated)
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as exit_:
        run_compose_bench(tmp_path / "reports")
    assert exit_.value.code == 128 + signal.SIGTERM
    assert lifecycle(docker_calls()) == ["run", "rm"]
    assert signal.getsignal(signal.SIGTERM) == handler  # main() leaves no handler of its own behind


def test_a_cell_past_its_deadline_takes_the_container_down_and_the_next_cell_gets_a_new_one(
    tmp_path: Path, docker_calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench.execution, "GRACE_SECONDS", 0)
    assert run_compose_bench(tmp_path / "reports", edge_host="http://hanging") == 1
    assert lifecycle(docker_calls()) == ["run", "exec", "rm", "run", "exec", "rm"]
    cells = json.loads(((tmp_path / "reports" / "latest") / "summary.json").read_text())["cells"]
    assert [cell["stats"] is None for cell in cells] == [True, False]  # the next cell is measured


def test_a_locust_cell_is_execd_into_the_runs_container_writing_into_the_report(
    tmp_path: Path, docker_calls: Calls
) -> None:
    cells, _ = build_matrix(["django"], ["db"], ["edge"], "https://nginx", {})
    executor = ComposeExecutor(Compose(["docker", "compose"], tmp_path), LocustGenerator(["locust"]))
    with executor.session(tmp_path, "RUN", 60):
        command = executor.command(cells[0], Load(20, 20, 10))
    assert command[:4] == ["docker", "exec", "gateway-bench-RUN", "locust"]
    assert command[-1] == "DjangoUser"
    assert {"--tags=db", "--host=https://nginx", "--csv=/reports/edge-django-db", "--run-time=10s"} <= set(command)
    [run] = [call for call in docker_calls() if call[:2] == ["compose", "run"]]
    assert f"--volume={tmp_path}:/reports" in run and run[-2:] == ["locust", "60"]
    assert docker_calls()[-1] == ["rm", "--force", "gateway-bench-RUN"]


def test_a_cells_sampler_stops_at_once_dropping_the_sample_under_way_unless_it_is_the_only_one(
    docker_calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_DOCKER_STATS_SECONDS", "3")
    services = {"fake-nginx-1": "nginx"}
    with StatsSampler(services, wait_for_last=False) as sampler:
        pass  # stopped before any sample: it waits for the one under way
    assert sampler.usage()["nginx"].cpu_mean == 10
    with StatsSampler(services, wait_for_last=False) as sampler:
        while not sampler.usage():
            time.sleep(0.05)
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 2  # not the 3 s of the second sample
    time.sleep(3.5)  # had the second sample (30 %) been kept, it would be in by now
    assert sampler.usage()["nginx"].cpu_mean == 20


def test_a_cell_that_measured_one_worker_runs_once_more_and_says_so(
    tmp_path: Path, docker_calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    flagged: list[str] = []

    def first_direct_run_on_one_worker(outcome: bench.execution.CellOutcome) -> str | None:
        if outcome.cell.route == "direct" and not flagged:
            flagged.append(outcome.cell.slug)
            return "one of django's 2 workers did 100% of their CPU"
        return None

    monkeypatch.setattr(bench.run, "measured_one_worker", first_direct_run_on_one_worker)
    assert run_compose_bench(tmp_path / "reports") == 0
    assert flagged == ["direct-django-hello"]
    assert lifecycle(docker_calls()) == ["run", "exec", "exec", "exec", "rm"]  # the direct cell twice
    cells = json.loads(((tmp_path / "reports" / "latest") / "summary.json").read_text())["cells"]
    assert [cell["slug"] for cell in cells] == ["edge-django-hello", "direct-django-hello"]
    assert cells[0]["retried"] is None
    assert cells[1]["retried"]["flag"] == "one of django's 2 workers did 100% of their CPU"
    assert cells[1]["retried"]["requests_per_second"] > 0
    assert cells[1]["settled"] is not None  # the repeat waited for the first run's load to go quiet
    summary = json.loads(((tmp_path / "reports" / "latest") / "summary.json").read_text())
    [note] = [note for note in summary["notes"] if note.startswith("direct-django-hello")]
    assert "run twice; the first run measured one worker" in note


def test_repeats_stop_at_max_repeats(tmp_path: Path, docker_calls: Calls, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench.run, "MAX_REPEATS", 1)
    monkeypatch.setattr(bench.run, "measured_one_worker", lambda outcome: "one worker")
    assert run_compose_bench(tmp_path / "reports") == 0
    assert lifecycle(docker_calls()) == ["run", "exec", "exec", "exec", "rm"]  # MAX_REPEATS bounds the repeats
    cells = json.loads(((tmp_path / "reports" / "latest") / "summary.json").read_text())["cells"]
    assert [cell["retried"] is not None for cell in cells] == [True, False]
