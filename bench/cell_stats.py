"""One cell's numbers, whichever load generator measured them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CellStats:
    """Requests over the measured run; times in milliseconds."""

    requests: int
    failures: int
    requests_per_second: float
    failures_per_second: float
    average_ms: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float

    @property
    def failure_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class TimeSeries:
    """One cell second by second, so warm-up and saturation show: answers and failed
    answers per second, and latency percentiles where the generator reports them
    (Locust's history does, wrk's per-second counters do not)."""

    requests_per_second: list[float | None]  # None: no figure for that second
    failures_per_second: list[float | None]
    p50_ms: list[float | None] | None = None
    p95_ms: list[float | None] | None = None
    p99_ms: list[float | None] | None = None
