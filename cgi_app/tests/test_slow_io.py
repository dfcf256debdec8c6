"""GET /io (routes/slow_io.py): a blocking wait of exactly the asked time, or 400."""

import time

import pytest
from cgi_client import run_cgi


def test_io_sleeps_for_the_requested_time() -> None:
    started = time.monotonic()
    assert run_cgi("/io", query="ms=300").json() == {"waited_ms": 300}
    assert time.monotonic() - started >= 0.3
    assert run_cgi("/io", query="ms=0").json() == {"waited_ms": 0}


@pytest.mark.parametrize("query", ["", "ms=", "ms=-1", "ms=10001", "ms=abc", "ms=1.5", "ms=1e3", "ms=%00"])
def test_io_rejects_bad_wait(query: str) -> None:
    response = run_cgi("/io", query=query)
    assert response.status == 400
    assert response.json() == {"error": "ms must be an integer from 0 to 10000"}
