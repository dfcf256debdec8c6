"""`make measure`: a warm start to all healthy, and the idle stack's memory.

The images must be built (`make up` once). Prints a Markdown table. A
measurement, not a test: it never fails on a number.
"""

import argparse
import shlex
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.docker_stats import STATS_COMMAND, parse_stats_line
from bench.provenance import describe, provenance
from bench.stack import Compose, docker, engine_version

PROJECT_DIR = Path(__file__).resolve().parent.parent


def warm_start_seconds(compose: Compose) -> float:
    """`make up` as a user runs it after `make down`: containers gone, images
    and volumes kept, so it includes the build-cache check and the CA copy."""
    compose("down")
    started = time.monotonic()
    subprocess.run(["make", "--no-print-directory", "-s", "up"], cwd=PROJECT_DIR, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def idle_memory(compose: Compose, settle_seconds: float) -> dict[str, int]:
    """Memory in use per container of this project, after the stack has settled."""
    time.sleep(settle_seconds)
    usage = {}
    for line in docker(*STATS_COMMAND[1:], *compose.container_ids()).splitlines():
        name, _cpu, memory = parse_stats_line(line)
        usage[name] = memory
    return usage


def render(seconds: float, memory: dict[str, int]) -> list[str]:
    total = sum(memory.values())
    lines = [
        "| measurement | value | target |",
        "|---|---|---|",
        f"| `make up` after `make down` (images built) to all services healthy | {seconds:.1f} s | < 20 s |",
        f"| whole stack idle memory (sum of `docker stats`) | {total / 2**20:.0f} MiB | < 600 MB |",
    ]
    lines += [
        f"| &nbsp;&nbsp;{name} | {used / 2**20:.0f} MiB | |"
        for name, used in sorted(memory.items(), key=lambda item: -item[1])
    ]
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make measure", description=__doc__.splitlines()[0])
    parser.add_argument("--compose", default="docker compose", help="compose command")
    # Gunicorn, Uvicorn and PostgreSQL finish their start-up work within seconds
    # of "healthy"; 15 s leaves the memory figures flat.
    parser.add_argument("--settle", type=float, default=15, help="seconds to wait before reading memory")
    options = parser.parse_args(argv)
    compose = Compose(shlex.split(options.compose), PROJECT_DIR)
    started = datetime.now(UTC)
    seconds = warm_start_seconds(compose)
    memory = idle_memory(compose, options.settle)
    stack = {"engine": engine_version(), "settings": compose.size_settings()}
    print("\n".join(render(seconds, memory)))
    print(f"\n{describe(provenance(PROJECT_DIR, started, stack, ['measure', *argv]))}")
    return 0
