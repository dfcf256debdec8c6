"""Fixtures: the stand-in server that bounded Locust runs load.

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
sys.path.insert(0, str(LOADTEST_DIR))  # `scenarios`, as the image's Locust sees it

from tests.contract_server import running_contract_server  # noqa: E402

LOCUST = [sys.executable, "-m", "locust"]


def pytest_configure(config: pytest.Config) -> None:
    """A private temporary directory: pytest's shared default keeps only the
    three newest sessions, so a concurrent session on the host could remove
    this one's files mid-run."""
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
