"""Fixtures: the stand-in server, and real bounded Locust runs against it.

Locust runs in a subprocess (never imported here: importing it
monkey-patches this interpreter with gevent).
"""

import importlib.util
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

LOADTEST_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(LOADTEST_DIR))  # `bench` and `scenarios`, as `make bench` sees them

from bench.cli import main as bench_main  # noqa: E402

from tests.contract_server import running_contract_server  # noqa: E402

LOCUST = [sys.executable, "-m", "locust"]


def pytest_configure(config: pytest.Config) -> None:
    """A private temporary directory: pytest's shared default keeps only the
    three newest sessions, so a concurrent session on the host could remove
    this one's Locust output mid-run."""
    if config.option.basetemp is None:
        config.option.basetemp = tempfile.mkdtemp(prefix="loadtest-tests-")
        config.add_cleanup(lambda: shutil.rmtree(config.option.basetemp, ignore_errors=True))


@pytest.fixture(scope="session")
def contract_server() -> Iterator[str]:
    with running_contract_server() as url:
        yield url


@pytest.fixture(scope="session")
def locust_available() -> None:
    if importlib.util.find_spec("locust") is None:
        pytest.fail(f"Locust is not installed for {sys.executable}: pip install -r loadtest/requirements.txt")


@pytest.fixture(scope="session")
def bench_reports(tmp_path_factory: pytest.TempPathFactory, contract_server: str, locust_available: None) -> Path:
    """A real `bench` run: static, Django through the 'edge' and 'direct'.

    Both routes point at the stand-in server; 2 users for 2 s per cell.
    """
    reports = tmp_path_factory.mktemp("reports")
    exit_code = bench_main(
        [
            "--executor=local",
            f"--locust={' '.join(LOCUST)}",
            f"--edge-host={contract_server}",
            f"--direct-host=django={contract_server}",
            "--backends=django",
            "--workloads=hello,static",
            "--users=2",
            "--spawn-rate=2",
            "--duration=2",
            f"--reports-dir={reports}",
        ]
    )
    assert exit_code == 0
    return reports
