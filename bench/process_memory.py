"""Peak resident memory and CPU time of each process in a container over one cell, from /proc.

The kernel keeps each process's peak resident set, VmHWM in /proc/<pid>/status
("high water mark"), from the process's start. Writing 5 to
/proc/<pid>/clear_refs (Linux >= 4.0) sets it back to the current resident set
(https://docs.kernel.org/filesystems/proc.html, "clear_refs"), so: reset every
process before the cell, read every process after it. `docker exec` runs as
the container's own user, the processes' owner, which is all the reset needs
(no capability: the containers drop them all). The images have `sh` and `cat`
and the root filesystems are read-only: both scripts only read /proc and write
clear_refs. The same two passes read each process's CPU time (utime + stime
in /proc/<pid>/stat), so the CPU a server's workers each spent over the cell
shows how evenly the load reached them.
"""

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

# Each process of the container but the script's own shell: its pid on a
# line, its status file, its stat line, then its command line (arguments
# separated by NUL).
# A process may exit while it runs: it ends true whatever the last `cat` did.
READ_SCRIPT = r"""for d in /proc/[0-9]*; do
  p=${d#/proc/}; [ "$p" = "$$" ] && continue
  printf '\n==%s\n' "$p"; cat "$d/status" 2>/dev/null
  printf 'Stat:\t'; cat "$d/stat" 2>/dev/null; printf 'Cmdline:\t'; cat "$d/cmdline" 2>/dev/null
done; true"""
# The pids whose peak it could not reset (a process that exited meanwhile too),
# and each process's stat line after `<pid>=`: its CPU time at the start.
RESET_SCRIPT = r"""for d in /proc/[0-9]*; do
  p=${d#/proc/}; [ "$p" = "$$" ] && continue
  (echo 5 >"$d/clear_refs") 2>/dev/null || echo "$p"
  printf '%s=' "$p"; cat "$d/stat" 2>/dev/null || echo
done; true"""
# /proc/<pid>/stat counts CPU time in clock ticks.
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
EXEC_TIMEOUT = 30
INIT_PROGRAMS = ("tini", "docker-init", "dumb-init")
# Depth below the server's top process of a worker's children.
PER_REQUEST_DEPTH = 2
COMMAND_CHARS = 120  # of each command line kept in summary.json
# A process whose peak the reset could not clear has its peak since it started.
SINCE_CELL, SINCE_START = "cell", "process start"


@dataclass(frozen=True)
class Process:
    """One process as /proc shows it inside the container."""

    pid: int
    ppid: int
    name: str
    command: str
    peak_rss_bytes: int
    session: int | None = None  # NSsid (Linux >= 4.1), in the container's pid namespace
    cpu_ticks: int | None = None  # utime + stime so far


@dataclass(frozen=True)
class ProcessPeak:
    """One process's peak resident memory over a cell, what it is in its server, and
    the CPU it used over the cell (None where the reading before the cell missed it)."""

    role: str
    pid: int
    peak_rss_bytes: int
    since: str
    command: str
    cpu_seconds: float | None = None


def cpu_ticks(stat: str) -> int | None:
    """utime + stime of a /proc/<pid>/stat line (fields 14 and 15; the name, field 2,
    is in parentheses and may hold spaces), or None for an empty or cut line."""
    fields = stat.rpartition(")")[2].split()
    try:
        return int(fields[11]) + int(fields[12])
    except (IndexError, ValueError):
        return None


def parse_reset(output: str) -> tuple[set[int], dict[int, int]]:
    """RESET_SCRIPT's output -> (the pids not reset, each process's CPU ticks)."""
    unreset, ticks = set(), {}
    for line in output.splitlines():
        pid, equals, stat = line.partition("=")
        if not pid.strip().isdigit():
            continue
        if not equals:
            unreset.add(int(pid))
        elif (value := cpu_ticks(stat)) is not None:
            ticks[int(pid)] = value
    return unreset, ticks


def parse_processes(output: str) -> list[Process]:
    """READ_SCRIPT's output -> the processes it read (one that exited meanwhile is left out)."""
    processes = []
    for block in output.split("\n==")[1:]:
        head, _, rest = block.partition("\n")
        fields: dict[str, str] = {}
        for line in rest.splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        if "VmHWM" not in fields or "PPid" not in fields:
            continue  # exited between the listing and the read, or a kernel thread
        command = fields.get("Cmdline", "").replace("\0", " ").strip() or f"[{fields.get('Name', '?')}]"
        processes.append(
            Process(
                pid=int(head),
                ppid=int(fields["PPid"]),
                name=fields.get("Name", ""),
                command=command,
                peak_rss_bytes=int(fields["VmHWM"].split()[0]) * 1024,  # "12345 kB"
                # One value per nested pid namespace, the process's own last.
                session=int(fields["NSsid"].split()[-1]) if fields.get("NSsid") else None,
                cpu_ticks=cpu_ticks(fields.get("Stat", "")),
            )
        )
    return processes


def server_processes(processes: list[Process]) -> dict[int, int]:
    """The container's own processes, pid: depth below its server's top process (an init
    such as tini does not count): pid 1 and its descendants. Not what `docker exec`
    started beside them (health checks, this reading): their parent is outside the
    container, and each runs in a session of its own, which its orphans keep when pid 1
    adopts them (a health check's pipeline killed at its timeout)."""
    by_pid = {process.pid: process for process in processes}
    first = by_pid.get(1)

    def adopted(process: Process) -> bool:
        return (
            process.ppid == 1
            and first is not None
            and None not in (process.session, first.session)
            and process.session != first.session
        )

    depths = {}
    for process in processes:
        depth, ancestor = 0, process
        while ancestor.pid != 1 and ancestor.ppid in by_pid and not adopted(ancestor):
            depth, ancestor = depth + 1, by_pid[ancestor.ppid]
        if ancestor.pid == 1:
            under_init = ancestor.name in INIT_PROGRAMS and process is not ancestor
            depths[process.pid] = depth - 1 if under_init else depth
    return depths


def _role(process: Process, depth: int, has_children: bool) -> str:
    """What the process is in its server: from nginx's process titles, else its place in the tree."""
    if process.command.startswith("nginx: "):
        return process.command.removeprefix("nginx: ").split(" process")[0]  # master, worker, cache manager
    if "multiprocessing.resource_tracker" in process.command:
        return "resource tracker"  # Uvicorn's and Granian's spawn start method runs one
    if process.name in INIT_PROGRAMS:
        return "init"
    if depth == 0:
        if not has_children:
            return "server"
        return "master" if "gunicorn" in process.command else "supervisor"
    return "worker"


def _cpu_seconds(process: Process, ticks_before: dict[int, int]) -> float | None:
    if process.cpu_ticks is None or process.pid not in ticks_before:
        return None
    return round((process.cpu_ticks - ticks_before[process.pid]) / TICKS_PER_SECOND, 2)


def peaks(
    processes: list[Process], unreset: set[int] | None, ticks_before: dict[int, int] | None = None
) -> list[ProcessPeak]:
    """Each of the server's standing processes (its top one and their children) with its
    role and peak. `unreset`: the pids whose peak the reset before the cell could not
    clear (None: no reset at all); theirs is since their process started. A process
    started during the cell has its own peak, within the cell. A worker's children
    (CGI's process per request under fcgiwrap) are left out: one alive at the read is
    caught mid-request, its peak is not yet its own, and the rest have exited."""
    depths = server_processes(processes)
    parents = {process.ppid for process in processes if "resource_tracker" not in process.command}
    result = []
    for process in processes:
        if depths.get(process.pid, PER_REQUEST_DEPTH) >= PER_REQUEST_DEPTH:
            continue
        role = _role(process, depths[process.pid], process.pid in parents)
        since = SINCE_START if unreset is None or process.pid in unreset else SINCE_CELL
        cpu = _cpu_seconds(process, ticks_before or {})
        result.append(
            ProcessPeak(role, process.pid, process.peak_rss_bytes, since, process.command[:COMMAND_CHARS], cpu)
        )
    return result


def worker_count(peaks_of_container: list[ProcessPeak]) -> int:
    """The processes that serve requests: the workers, or the one process of a server without any."""
    roles = [peak.role for peak in peaks_of_container]
    return roles.count("worker") or roles.count("server")


def _exec(container: str, script: str) -> str:
    return subprocess.run(
        ["docker", "exec", container, "sh", "-c", script],
        capture_output=True,
        text=True,
        errors="replace",
        check=True,
        timeout=EXEC_TIMEOUT,
    ).stdout


def reset(container: str) -> tuple[set[int], dict[int, int]]:
    """Reset the peak of every process in the container: the pids it could not reset,
    and each process's CPU ticks so far."""
    return parse_reset(_exec(container, RESET_SCRIPT))


def read(container: str, before: tuple[set[int], dict[int, int]] | None) -> list[ProcessPeak]:
    unreset, ticks = before if before is not None else (None, None)
    return peaks(parse_processes(_exec(container, READ_SCRIPT)), unreset, ticks)


def _reset_or_none(container: str) -> tuple[set[int], dict[int, int]] | None:
    try:
        return reset(container)
    except (subprocess.SubprocessError, OSError):
        return None  # the read still gives each peak, since its process's start


def _read_or_none(container: str, before: tuple[set[int], dict[int, int]] | None) -> list[ProcessPeak] | None:
    try:
        return read(container, before)
    except (subprocess.SubprocessError, OSError):
        return None  # the container is gone: no figure rather than a wrong one


def read_all(containers: list[str]) -> dict[str, list[ProcessPeak] | None]:
    """Every container's processes at once (a `docker exec` takes 0.4-3 s on a busy 2-core host)."""
    with ThreadPoolExecutor(max_workers=max(1, len(containers))) as pool:
        return dict(zip(containers, pool.map(lambda c: _read_or_none(c, None), containers), strict=True))


class ProcessMemory:
    """Resets the peaks of the given containers' processes (and reads their CPU time) on
    entry and reads both on exit, the containers side by side."""

    def __init__(self, services_by_container: dict[str, str]) -> None:
        self._services_by_container = services_by_container
        self._before: dict[str, tuple[set[int], dict[int, int]] | None] = {}
        self._peaks: dict[str, list[ProcessPeak]] = {}

    def __enter__(self) -> "ProcessMemory":
        containers = list(self._services_by_container)
        with ThreadPoolExecutor(max_workers=max(1, len(containers))) as pool:
            self._before = dict(zip(containers, pool.map(_reset_or_none, containers), strict=True))
        return self

    def __exit__(self, *_: object) -> None:
        containers = list(self._services_by_container)
        with ThreadPoolExecutor(max_workers=max(1, len(containers))) as pool:
            readings = pool.map(lambda c: _read_or_none(c, self._before.get(c)), containers)
            for container, peaks_of_container in zip(containers, readings, strict=True):
                if peaks_of_container is not None:
                    service = self._services_by_container[container]
                    self._peaks.setdefault(service, []).extend(peaks_of_container)

    def by_service(self) -> dict[str, list[ProcessPeak]]:
        return self._peaks
