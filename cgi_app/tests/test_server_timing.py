"""Server-Timing: each response says what its process spent in each phase, measured (gateway_cgi/timing.py)."""

import re
import time

from cgi_client import CgiResponse, run_cgi

METRIC = re.compile(r"^([a-z]+);dur=(\d+\.\d)$")


def phases(response: CgiResponse) -> dict[str, float]:
    """Server-Timing's metrics in the order sent: name -> milliseconds."""
    metrics = [METRIC.match(metric) for metric in response.headers["server-timing"].split(", ")]
    assert all(metrics), response.headers["server-timing"]
    return {metric[1]: float(metric[2]) for metric in metrics}


def timed(path: str) -> tuple[CgiResponse, float]:
    started = time.perf_counter()
    response = run_cgi(path)
    return response, (time.perf_counter() - started) * 1000


def test_a_database_row_times_every_phase_within_its_process_lifetime() -> None:
    response, wall_ms = timed("/db")
    assert response.status == 200
    measured = phases(response)
    assert list(measured) == ["start", "import", "connect", "query", "response"]
    # Building a small JSON body may round to 0.0 ms; every other phase takes time.
    assert all(measured[phase] > 0 for phase in ("start", "import", "connect", "query")), measured
    # The phases happen inside the process, which the test saw start and end.
    assert sum(measured.values()) < wall_ms

    assert measured["import"] > measured["response"]  # psycopg is imported there, the JSON is built here


def test_a_route_without_database_has_no_connect_or_query() -> None:
    response, wall_ms = timed("/hello")
    measured = phases(response)
    assert list(measured) == ["start", "import", "response"]
    assert sum(measured.values()) < wall_ms


def test_every_fetching_route_times_its_queries() -> None:
    for path in ("/queries", "/fortunes", "/messages"):
        assert list(phases(run_cgi(path))) == ["start", "import", "connect", "query", "response"], path


def test_an_error_is_timed_up_to_where_it_stopped() -> None:
    response = run_cgi("/no-such-route")
    assert response.status == 404
    assert list(phases(response)) == ["start"]
