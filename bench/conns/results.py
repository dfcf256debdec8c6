"""A capacity run's figures: one step's record and the summary.json (its page: bench/capacity_html.py).

summary.json's shape (the report pages read it):
  {"kind": "capacity", "created", "commit", "dirty", "host": {"cores", "memory_bytes"},
   "runs": [{"backend", "kind", "steps": [{"target", "held", "refused", "errors",
     "delivery_ms": {"p50", "p99"}, "delivered", "expected",
     "backend_memory_bytes", "nginx_memory_bytes",
     "backend_kib_per_connection", "nginx_kib_per_connection",
     "cpu_percent": {"backend", "nginx", "client"},
     "cpu_us_per_delivery": {"backend", "nginx", "client", "total"} or null,
     "client_load": {"cpu_share", "loop_lag_ms", "saturated"}}]}]}
Memory per connection is the growth over the series' baseline (no connection
held) divided by the connections held; CPU is percent of one core, over the hold and the deliveries.
cpu_us_per_delivery is what each side's containers spent while the messages
went out, from the first POST to the last delivery, over the messages
delivered: the cost of one message reaching one client, end to end, which
sets how long a fan-out to every client takes on the host's cores.
client_load is the busiest client's own count over the delivery wait: the
share of its core it used, and the most its event loop ran late. A saturated
client delays what it reads, so the step's delivery latencies are then the
load generator's, not the stack's (as `make bench` flags a saturated wrk).
"""

import math
from typing import Any

# A client busier than this share of its core is saturated (as bench/summary.py's GENERATOR_CPU_LIMIT).
CLIENT_CPU_LIMIT = 0.8
# A wait shorter than this (everything had arrived already) is too short to
# tell a busy client from an idle one: 1 ms of CPU in 1 ms is not saturation.
MIN_WAIT_S = 1.0


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (fraction 0..1) of the values; None without any."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def per_connection_kib(memory: int, baseline: int, held: int) -> float | None:
    """(memory - baseline) / held in KiB; None when nothing is held."""
    if held <= 0:
        return None
    return round((memory - baseline) / held / 1024, 2)


def step_counts(ramped: list[dict[str, int]], collected: list[dict[str, int]]) -> dict[str, int]:
    """A step's held, refused and errors summed over the clients. The collect's
    figures count since the ramp too, so they include what came after it: a
    poll is counted held once sent, and a refusal that reaches a slow client
    after the ramp's settling time turns a held poll into a refused one."""
    ramp = {key: sum(answer[key] for answer in ramped) for key in ("held", "refused", "errors")}
    refused = max(ramp["refused"], sum(answer["refused"] for answer in collected))
    return {
        "held": ramp["held"] - (refused - ramp["refused"]),
        "refused": refused,
        "errors": max(ramp["errors"], sum(answer["errors"] for answer in collected)),
    }


def client_load(collected: list[dict[str, Any]]) -> dict[str, Any]:
    """The busiest client over the delivery wait (its `collected` answer's cpu_s, wall_s, loop_lag_ms)."""
    timed = [answer for answer in collected if answer.get("wall_s", 0) >= MIN_WAIT_S]
    shares = [answer["cpu_s"] / answer["wall_s"] for answer in timed]
    lags = [answer["loop_lag_ms"] for answer in timed]
    share = round(max(shares), 3) if shares else None
    return {
        "cpu_share": share,
        "loop_lag_ms": max(lags) if lags else None,
        "saturated": share is not None and share > CLIENT_CPU_LIMIT,
    }


def cpu_per_delivery_us(before: dict[str, float], after: dict[str, float], delivered: int) -> dict[str, float] | None:
    """CPU seconds each side's containers had used before the first POST and after the
    last delivery -> microseconds per message delivered, and their total; None without a delivery."""
    if delivered <= 0:
        return None
    spent = {name: (after[name] - before[name]) * 1e6 / delivered for name in before}
    spent["total"] = sum(spent.values())
    return {name: round(value, 1) for name, value in spent.items()}


def step_record(
    target: int,
    counts: dict[str, int],
    latencies_ms: list[float],
    expected: int,
    memory: dict[str, int],
    baseline: dict[str, int],
    cpu: dict[str, float],
    cpu_per_delivery: dict[str, float] | None,
    client: dict[str, Any],
) -> dict[str, Any]:
    """One step: counts summed over the clients, memory and CPU of the containers, the clients' own load."""
    held = counts["held"]
    return {
        "target": target,
        "held": held,
        "refused": counts["refused"],
        "errors": counts["errors"],
        "delivery_ms": {"p50": percentile(latencies_ms, 0.50), "p99": percentile(latencies_ms, 0.99)},
        "delivered": len(latencies_ms),
        "expected": expected,
        "backend_memory_bytes": memory["backend"],
        "nginx_memory_bytes": memory["nginx"],
        "backend_kib_per_connection": per_connection_kib(memory["backend"], baseline["backend"], held),
        "nginx_kib_per_connection": per_connection_kib(memory["nginx"], baseline["nginx"], held),
        "cpu_percent": {name: round(value, 1) for name, value in cpu.items()},
        "cpu_us_per_delivery": cpu_per_delivery,
        "client_load": client,
    }


def at_limit(step: dict[str, Any]) -> bool:
    """The series' limit is found: something was refused, failed, or never delivered."""
    return step["refused"] > 0 or step["errors"] > 0 or step["delivered"] < step["expected"]


def summary(created: str, git: dict[str, Any], host: dict[str, Any], runs: list[dict[str, Any]]) -> dict[str, Any]:
    """git: bench.provenance.git_state's, so a run of changes not committed says so."""
    return {
        "kind": "capacity",
        "created": created,
        "commit": git["commit"],
        "dirty": git["dirty"],
        "host": {"cores": host.get("cpus"), "memory_bytes": host.get("memory_bytes")},
        "runs": runs,
    }


def step_line(backend: str, kind: str, step: dict[str, Any]) -> str:
    """One step as the run prints it."""
    delivery = step["delivery_ms"]
    latency = "no delivery" if delivery["p50"] is None else f"p50 {delivery['p50']:.0f} ms p99 {delivery['p99']:.0f} ms"
    kib = step["backend_kib_per_connection"]
    per_connection = "" if kib is None else f" {kib:.1f} KiB/conn backend, {step['nginx_kib_per_connection']:.1f} nginx"
    spent = step.get("cpu_us_per_delivery")
    cost = (
        f"; CPU per delivery {spent['total']:.0f} µs (backend {spent['backend']:.0f}, "
        f"nginx {spent['nginx']:.0f}, clients {spent['client']:.0f})"
        if spent
        else ""
    )
    load = step.get("client_load") or {}
    client = ""
    if load.get("cpu_share") is not None:
        client = f"; client {load['cpu_share']:.0%} CPU, loop lag {load['loop_lag_ms']:.0f} ms"
        client += " WARNING: client CPU saturated, latencies are the client's" if load["saturated"] else ""
    return (
        f"{backend:<12} {kind:<9} {step['target']:>6}: held {step['held']:>6} refused {step['refused']:>5} "
        f"errors {step['errors']:>5} delivered {step['delivered']}/{step['expected']} {latency}"
        f"{per_connection}{cost}{client}"
    )
