"""Measure the foundation targets: warm start to all healthy, and idle memory.

Run by `make measure` (the images must be built: `make up` once). Prints a
Markdown table to paste into the README. A measurement, not a test: it never
fails on a number.
"""

import subprocess
import time

from bench.docker_stats import STATS_COMMAND, parse_stats_line  # PYTHONPATH=loadtest (make measure)


def compose(*args: str) -> str:
    return subprocess.run(["docker", "compose", *args], capture_output=True, text=True, check=True).stdout


def warm_start_seconds() -> float:
    compose("stop")
    started = time.monotonic()
    compose("up", "-d", "--wait")
    return time.monotonic() - started


def idle_memory(settle_seconds: float = 15) -> dict[str, int]:
    """Memory in use per container of this project, after the stack has settled."""
    time.sleep(settle_seconds)
    ids = compose("ps", "-q").split()
    stats = subprocess.run([*STATS_COMMAND, *ids], capture_output=True, text=True, check=True).stdout
    usage = {}
    for line in stats.splitlines():
        name, _cpu, memory = parse_stats_line(line)
        usage[name] = memory
    return usage


def main() -> None:
    seconds = warm_start_seconds()
    memory = idle_memory()
    total = sum(memory.values())
    print("| measurement | value | target |")
    print("|---|---|---|")
    print(f"| warm `make up` (images built) to all services healthy | {seconds:.1f} s | < 20 s |")
    print(f"| whole stack idle memory (sum of `docker stats`) | {total / 1024**2:.0f} MiB | < 600 MB |")
    for name, used in sorted(memory.items(), key=lambda item: -item[1]):
        print(f"| &nbsp;&nbsp;{name} | {used / 1024**2:.0f} MiB | |")


if __name__ == "__main__":
    main()
