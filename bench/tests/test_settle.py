"""Before each cell the bench waits for the services the cell before it loaded
to go quiet (bench/settle.py): read from each container's cgroup, bounded in time."""

import pytest

from bench.settle import TIMEOUT_SECONDS, WINDOW_SECONDS, wait_until_quiet
from bench.summary import _flags


class FakeHost:
    """A clock, a sleep and a CPU reader: each container uses the cores its
    schedule gives it, window by window, then nothing."""

    def __init__(self, busy_windows: dict[str, list[float]]) -> None:
        self.now = 100.0
        self.windows = 0
        self.schedule = busy_windows
        self.used = {container: 0.0 for container in busy_windows}  # CPU seconds

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        for container, cores in self.schedule.items():
            load = cores[self.windows] if self.windows < len(cores) else 0.0
            self.used[container] += load * seconds
        self.windows += 1
        self.now += seconds

    def read(self, containers: list[str]) -> dict[str, float]:
        return {container: self.used[container] for container in containers if container in self.used}


def test_quiet_services_cost_one_window():
    host = FakeHost({"cgi-1": [0.01], "nginx-1": [0.0]})
    settled = wait_until_quiet(["cgi-1", "nginx-1"], host.read, host.clock, host.sleep)
    assert settled.quiet and settled.waited_seconds == WINDOW_SECONDS and host.windows == 1


def test_the_wait_lasts_until_the_busy_service_is_quiet():
    # CGI still running the last cell's queued requests for three windows.
    host = FakeHost({"cgi-1": [1.5, 0.6, 0.2, 0.05], "nginx-1": [0.0]})
    settled = wait_until_quiet(["cgi-1", "nginx-1"], host.read, host.clock, host.sleep)
    assert settled.quiet and host.windows == 4
    assert settled.waited_seconds == pytest.approx(4 * WINDOW_SECONDS)


def test_a_service_busy_past_the_timeout_is_named_and_the_cell_goes_on():
    host = FakeHost({"cgi-1": [1.0] * 1000, "nginx-1": [0.0] * 1000})
    settled = wait_until_quiet(["cgi-1", "nginx-1"], host.read, host.clock, host.sleep)
    assert not settled.quiet and settled.busy == ("cgi-1",)
    assert TIMEOUT_SECONDS <= settled.waited_seconds < TIMEOUT_SECONDS + WINDOW_SECONDS + 0.01


def test_a_container_that_cannot_be_read_does_not_hold_the_run():
    host = FakeHost({"nginx-1": [0.0]})  # "gone-1" is never in a reading
    settled = wait_until_quiet(["gone-1", "nginx-1"], host.read, host.clock, host.sleep)
    assert settled.quiet and host.windows == 1


def test_a_cell_that_started_beside_a_busy_service_is_flagged():
    unquiet = {"waited_seconds": 30.2, "quiet": False, "busy": ["gateway-lab-cgi-1"]}
    calm = {"saturated": False}
    [flag] = _flags({"backend": "django", "settled": unquiet, "generator": calm})
    assert flag.startswith("gateway-lab-cgi-1 still busy 30 s after the cell before")
    assert (
        _flags({"backend": "django", "settled": {"waited_seconds": 0.6, "quiet": True, "busy": []}, "generator": calm})
        == []
    )
