"""Fixtures: real `bench` runs whose generators are the stand-ins bench/tests/fake_locust.py and fake_wrk.py."""

import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from bench.run import main as bench_main

FAKE_LOCUST = f"{sys.executable} {Path(__file__).with_name('fake_locust.py')}"
FAKE_WRK = f"{sys.executable} {Path(__file__).with_name('fake_wrk.py')}"


def pytest_configure(config: pytest.Config) -> None:
    """A private temporary directory: pytest's shared default keeps only the
    three newest sessions, so a concurrent session on the host could remove
    this one's reports mid-run."""
    if config.option.basetemp is None:
        config.option.basetemp = tempfile.mkdtemp(prefix="bench-tests-")
        config.add_cleanup(lambda: shutil.rmtree(config.option.basetemp, ignore_errors=True))


def run_bench(reports: Path, *arguments: str, generator: str = "locust") -> int:
    """`make bench` with a stand-in generator: 2 users (connections), 2 s per cell."""
    return bench_main(
        [
            "--executor=local",
            f"--generator={generator}",
            f"--locust={FAKE_LOCUST}",
            f"--wrk={FAKE_WRK}",
            "--users=2",
            "--threads=1",
            "--spawn-rate=2",
            "--duration=2",
            f"--reports-dir={reports}",
            *arguments,
        ]
    )


VALID_RUN = ("--edge-host=http://edge", "--direct-host=django=http://django", "--backends=django")


@pytest.fixture(scope="session")
def bench_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid run: the static file, Django's hello through the 'edge' and 'direct'."""
    reports = tmp_path_factory.mktemp("reports")
    assert run_bench(reports, *VALID_RUN, "--workloads=hello,static") == 0
    return reports


@pytest.fixture(scope="session")
def wrk_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same valid run with wrk (the default generator), plus a POST with a body."""
    reports = tmp_path_factory.mktemp("wrk-reports")
    assert run_bench(reports, *VALID_RUN, "--workloads=hello,post_messages,static", generator="wrk") == 0
    return reports
