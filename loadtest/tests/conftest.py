"""Fixtures: the stand-in server that bounded Locust runs load.

Locust runs in a subprocess (never imported here: importing it
monkey-patches this interpreter with gevent).
"""

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

LOADTEST_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(LOADTEST_DIR))  # `scenarios`, as the image's Locust sees it

from tests.contract_server import running_contract_server  # noqa: E402

LOCUST = [sys.executable, "-m", "locust"]


@pytest.fixture(scope="session")
def contract_server() -> Iterator[str]:
    with running_contract_server() as url:
        yield url


@pytest.fixture(scope="session")
def locust_available() -> None:
    if importlib.util.find_spec("locust") is None:
        pytest.fail(f"Locust is not installed for {sys.executable}: pip install -r loadtest/requirements.txt")
