"""`make bench-conns`: per backend and kind, hold connections through the edge in
steps, post messages, and record what was held, refused and delivered, with
the memory and CPU of the backend and nginx (plan.py says what is measured,
results.py what is recorded).

Clients run in containers of the conns-client service on the edge network (as
Locust does), each holding up to --per-client connections. Every series stops
at its first step with a refusal, an error or a message not delivered (its
limit), and the whole run stops by itself after --max-minutes.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import container_cpu
from bench.conns import plan, results
from bench.conns.clients import SERVICE, ClientContainer, ClientError, ask_all, compose_run
from bench.docker_stats import ServiceUsage, StatsSampler, sample_services
from bench.pages import write_index, write_report
from bench.provenance import git_state, host_facts
from bench.reports import SUMMARY
from bench.stack import docker

PROJECT_DIR = Path(__file__).resolve().parents[2]
LATEST_LINK = "conns-latest"
EDGE = "https://nginx/"  # the edge by its service name on the edge network, as Locust


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make bench-conns", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default=",".join(plan.BACKENDS), help="comma-separated (default: all)")
    parser.add_argument("--kinds", default=",".join(plan.KINDS), help="comma-separated: websocket,sse,poll")
    parser.add_argument(
        "--steps",
        help=f"comma-separated targets for every series (default: {plan.ASGI_STEPS} on ASGI, "
        f"{plan.BLOCKING_STEPS} on WSGI and CGI)",
    )
    parser.add_argument("--per-client", type=int, default=2_500, help="connections per client container")
    parser.add_argument("--messages", type=int, default=5, help="messages posted at each step")
    parser.add_argument("--hold-s", type=float, default=5, help="seconds each step holds before posting")
    parser.add_argument("--delivery-wait-s", type=float, default=30, help="longest wait for every delivery")
    parser.add_argument(
        "--post-via", help="backend the messages are posted to (default: fastapi, or asgi when fastapi is measured)"
    )
    parser.add_argument("--max-minutes", type=float, default=30, help="the whole run stops by itself after this")
    parser.add_argument(
        "--max-load",
        type=float,
        help=f"before each step wait up to {LOAD_WAIT_S} s for the host's 1-minute load average to fall to this, "
        "else stop",
    )
    parser.add_argument(
        "--open-rate",
        type=float,
        default=400,
        help="connections the run's clients open per second, together (a TLS handshake costs nginx and the "
        "client ~1 ms of CPU each: 400/s leaves the 2 cores most of their time for the backend's own)",
    )
    parser.add_argument(
        "--max-opening",
        type=int,
        default=200,
        help="opens not yet answered (a WebSocket's handshake, an SSE stream's headers, a long poll's first "
        "answer, asked without waiting), at most, together: the ramp runs at the stack's pace "
        "when that is below --open-rate (200: under nginx's listen backlog of 511, so no open waits in a full "
        "accept queue until its connect times out)",
    )
    parser.add_argument("--compose", default="docker compose", help="compose command")
    parser.add_argument(
        "--reports-dir", type=Path, default=Path(os.environ.get("REPORTS_DIR", PROJECT_DIR / "reports"))
    )
    options = parser.parse_args(argv)
    options.backends = [name for name in options.backends.split(",") if name]
    options.kinds = [name for name in options.kinds.split(",") if name]
    unknown = set(options.backends) - set(plan.BACKENDS) | set(options.kinds) - set(plan.KINDS)
    if unknown:
        parser.error(f"unknown backend or kind: {', '.join(sorted(unknown))}")
    options.steps = tuple(int(step) for step in options.steps.split(",")) if options.steps else None
    return options


def containers_of(project: str) -> dict[str, str]:
    """Container name -> compose service, for the project's running containers (clients included)."""
    output = docker(
        "ps",
        "--filter",
        f"label=com.docker.compose.project={project}",
        "--format",
        '{{.Names}}\t{{.Label "com.docker.compose.service"}}',
    )
    return dict(line.split("\t", 1) for line in output.splitlines() if "\t" in line)


LOAD_WAIT_S = 120


def load_allows(max_load: float | None) -> bool:
    """True once the 1-minute load average is at most max_load (a shared host); False after LOAD_WAIT_S."""
    deadline = time.monotonic() + LOAD_WAIT_S
    while max_load is not None and os.getloadavg()[0] > max_load:
        if time.monotonic() > deadline:
            return False
        time.sleep(5)
    return True


def peak(usage: dict[str, ServiceUsage], service: str) -> int:
    return usage[service].memory_max if service in usage else 0


def mean_cpu(usage: dict[str, ServiceUsage], service: str) -> float:
    """Percent of one core, the clients' containers summed (docker_stats sums a service's)."""
    return usage[service].cpu_mean if service in usage else 0.0


def sides(backend: str) -> dict[str, str]:
    """The three sides a step's CPU is reported for -> their compose service."""
    return {"backend": backend, "nginx": "nginx", "client": SERVICE}


def sides_cpu(containers: dict[str, str], backend: str) -> dict[str, float]:
    """CPU seconds so far of the backend's, nginx's and the clients' containers, each side summed,
    read from their cgroups at once (a `docker exec` each)."""
    services = sides(backend)
    chosen = [(side, name) for side, service in services.items() for name, of in containers.items() if of == service]
    with ThreadPoolExecutor(max_workers=len(chosen) or 1) as pool:
        seconds = list(pool.map(container_cpu.read, [name for _, name in chosen]))
    totals = dict.fromkeys(services, 0.0)
    for (side, _), value in zip(chosen, seconds, strict=True):
        totals[side] += value
    return totals


def memory_of(snapshot: dict[str, tuple[float, int]], backend: str) -> dict[str, int]:
    return {"backend": snapshot.get(backend, (0, 0))[1], "nginx": snapshot.get("nginx", (0, 0))[1]}


def deliver_one(
    clients: list[ClientContainer], ramped: list[dict[str, Any]], wait_s: float
) -> tuple[int | None, list[dict[str, Any]]]:
    """Post one message and wait until every held connection has it (or wait_s
    passed), before the next: each message's latency is its own fan-out, not
    a queue behind the one before (a fan-out to 20,000 takes over a second)."""
    clients[0].send({"cmd": "post", "count": 1})
    ids = clients[0].receive("posted", timeout=60)["ids"]
    collect = [
        {"cmd": "collect", "ids": ids, "expected": share["held"] * len(ids), "wait_s": wait_s} for share in ramped
    ]
    return (ids[0] if ids else None), ask_all(clients, collect, "collected", timeout=wait_s + 60)


def run_series(
    series: plan.Series, options: argparse.Namespace, project: str, token: str, log_dir: Path, deadline: float
) -> dict[str, Any]:
    count = plan.clients_for(series.steps, options.per_client)
    arguments = [
        f"--base={EDGE}{series.backend}/",
        f"--post-base={EDGE}{options.post_via or plan.poster(series.backend)}/",
        f"--kind={series.kind}",
        f"--token={token}",
        f"--open-rate={options.open_rate / count}",
        f"--max-opening={max(1, options.max_opening // count)}",
        f"--max-seconds={max(60, deadline - time.monotonic()):.0f}",
    ]
    compose = shlex.split(options.compose)
    steps: list[dict[str, Any]] = []
    with open(log_dir / f"{series.backend}-{series.kind}.log", "wb") as log:
        clients = [ClientContainer(compose_run(compose, arguments), PROJECT_DIR, log) for _ in range(count)]
        try:
            ask_all(clients, [{"cmd": "ramp", "target": 0}] * count, "ramped", timeout=120)  # all started
            baseline = memory_of(sample_services(containers_of(project)), series.backend)
            for target in series.steps:
                if time.monotonic() > deadline:
                    print("bench-conns: --max-minutes reached; stopping", file=sys.stderr)
                    break
                if not load_allows(options.max_load):
                    print(f"bench-conns: load average {os.getloadavg()[0]:.1f} > --max-load; stopping", file=sys.stderr)
                    break
                # A ramp runs at the stack's pace (--max-opening), which can be far
                # below --open-rate: in one 20,000-poll ramp a first poll took 2.7 s
                # on average, 74 opens a second. So it gets what is left of the run.
                ramp_timeout = max(60.0, deadline - time.monotonic())
                shares = [{"cmd": "ramp", "target": share} for share in plan.split(target, count)]
                answers = ask_all(clients, shares, "ramped", timeout=ramp_timeout)
                containers = containers_of(project)
                with StatsSampler(containers) as sampler:
                    time.sleep(options.hold_s)
                    cpu_before = sides_cpu(containers, series.backend)
                    rounds = [deliver_one(clients, answers, options.delivery_wait_s) for _ in range(options.messages)]
                    cpu_after = sides_cpu(containers, series.backend)
                usage = sampler.usage()
                ids = [message_id for message_id, _ in rounds if message_id is not None]  # a failed POST is an error
                collected = [answer for _, round_answers in rounds for answer in round_answers]
                # The clients count since the ramp: the last round's answers hold every count.
                counts = results.step_counts(answers, rounds[-1][1] if rounds else [])
                latencies = [value for answer in collected for value in answer["latencies_ms"]]
                memory = {"backend": peak(usage, series.backend), "nginx": peak(usage, "nginx")}
                cpu = {side: mean_cpu(usage, service) for side, service in sides(series.backend).items()}
                client = results.client_load(collected)
                expected = counts["held"] * len(ids)
                spent = results.cpu_per_delivery_us(cpu_before, cpu_after, len(latencies))
                step = results.step_record(target, counts, latencies, expected, memory, baseline, cpu, spent, client)
                steps.append(step)
                print(results.step_line(series.backend, series.kind, step), flush=True)
                if results.at_limit(step):
                    break
        except ClientError as error:
            print(f"bench-conns: {series.backend} {series.kind}: {error}", file=sys.stderr)
        finally:
            for client in clients:
                client.stop()
    return {"backend": series.backend, "kind": series.kind, "steps": steps}


def point_latest(reports_dir: Path, run_dir: Path) -> None:
    """reports/conns-latest -> conns-<timestamp>, relative so it also works inside nginx."""
    link = reports_dir / LATEST_LINK
    temporary = reports_dir / f".{LATEST_LINK}.tmp"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(run_dir.name, target_is_directory=True)
    temporary.replace(link)


def write_outputs(reports_dir: Path, run_dir: Path, record: dict[str, Any]) -> None:
    """summary.json, the capacity page as `make bench` writes its report (charts of connections
    held against memory per kind: bench/capacity_html.py), reports/index.html, reports/conns-latest."""
    (run_dir / SUMMARY).write_text(json.dumps(record, indent=2) + "\n")
    write_report(run_dir, record)
    point_latest(reports_dir, run_dir)
    write_index(reports_dir)


def main(argv: list[str]) -> int:
    options = parse_arguments(argv)
    todo = plan.series(options.backends, options.kinds, options.steps)
    if not todo:
        print("bench-conns: no backend offers the kinds asked for", file=sys.stderr)
        return 2
    compose = shlex.split(options.compose)
    configuration = subprocess.run(
        [*compose, "config", "--format", "json"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    )
    project = json.loads(configuration.stdout)["name"]
    started = datetime.now(UTC)
    created = started.strftime("%Y%m%dT%H%M%SZ")
    run_dir = options.reports_dir / f"conns-{created}"
    run_dir.mkdir(parents=True)
    deadline = time.monotonic() + options.max_minutes * 60
    runs = [run_series(series, options, project, f"conns-{created}", run_dir, deadline) for series in todo]
    # `created` names the folder, as a benchmark's does: the landing page links
    # /reports/conns-<created>/ and the reports index sorts by it.
    record = results.summary(created, git_state(PROJECT_DIR), host_facts(), runs)
    write_outputs(options.reports_dir, run_dir, record)
    print(f"report: {run_dir / SUMMARY}")
    return 0 if all(run["steps"] for run in runs) else 1
