"""Measure the foundation targets: warm start to all healthy, and idle memory.

Run by `make measure` (the images must be built: `make up` once). Prints a
Markdown table to paste into the README. A measurement, not a test: it never
fails on a number.
"""

import json
import re
import subprocess
import time

UNITS = {"b": 1, "kib": 1024, "kb": 1000, "mib": 1024**2, "mb": 1000**2, "gib": 1024**3, "gb": 1000**3}


def compose(*args: str) -> str:
    return subprocess.run(["docker", "compose", *args], capture_output=True, text=True, check=True).stdout


def to_bytes(size: str) -> float:
    match = re.fullmatch(r"([\d.]+)\s*([a-zA-Z]+)", size.strip())
    if not match:
        raise ValueError(f"unreadable size from docker stats: {size!r}")
    return float(match.group(1)) * UNITS[match.group(2).lower()]


def warm_start_seconds() -> float:
    compose("stop")
    started = time.monotonic()
    compose("up", "-d", "--wait")
    return time.monotonic() - started


def idle_memory(settle_seconds: float = 15) -> dict[str, float]:
    time.sleep(settle_seconds)
    ids = compose("ps", "-q").split()
    stats = subprocess.run(
        ["docker", "stats", "--no-stream", "--format", "{{json .}}", *ids],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    usage = {}
    for line in stats.splitlines():
        row = json.loads(line)
        usage[row["Name"]] = to_bytes(row["MemUsage"].split("/")[0])
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
