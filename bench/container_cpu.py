"""A container's CPU time so far, read from its own cgroup through `docker exec`.

Docker gives each container its own cgroup at /sys/fs/cgroup: cgroup v2's
cpu.stat (usage_usec), else cgroup v1's cpuacct.usage (nanoseconds). Every
image of the stack has sh and cat. Read by `make bench-edge` around each run
and by `make bench` before each cell (bench/settle.py).
https://docs.kernel.org/admin-guide/cgroup-v2.html#cpu-interface-files
"""

import subprocess

COMMAND = "cat /sys/fs/cgroup/cpu.stat 2>/dev/null || cat /sys/fs/cgroup/cpuacct/cpuacct.usage"


def parse(text: str) -> float:
    """cgroup v2 cpu.stat (usage_usec) or v1 cpuacct.usage (ns) -> CPU seconds."""
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == "usage_usec":
            return int(value) / 1e6
    return int(text.strip()) / 1e9


def read(container: str, timeout: float = 60) -> float:
    """The container's CPU seconds since it started."""
    command = ["docker", "exec", container, "sh", "-c", COMMAND]
    return parse(subprocess.run(command, capture_output=True, text=True, check=True, timeout=timeout).stdout)
