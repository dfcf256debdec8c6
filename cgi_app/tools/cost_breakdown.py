"""What one CGI request costs, phase by phase, measured in the cgi container.

    docker compose exec cgi python3 /srv/cgi_app/tools/cost_breakdown.py [-n RUNS]

Each run is a new process started the way fcgiwrap starts the gateway (the
interpreter and flags of gateway.py's #! line), one after another, nothing
else in flight. Printed, as min / median over the runs, in milliseconds:

- whole processes, as fcgiwrap runs them: floor.py (/cgi/floor), gateway.py
  for /hello and for /db (spawn to exit, and the child's CPU time);
- /db cut into phases by timestamps the child takes on the monotonic clock
  (one clock for every process on Linux, so the parent's spawn time and the
  child's first line can be subtracted): interpreter start, imports,
  database connect (TCP + SCRAM authentication), query, response, exit;
- `import psycopg` alone, timed inside a process, and the targets of issue 14.

The /db phases run the steps of gateway_cgi.routes.world.single_query one by
one, with the same modules, connection settings and statement.
"""

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent  # /srv/cgi_app
GATEWAY = APP / "gateway.py"
FLOOR = APP / "floor.py"

# gateway.py run as a module, not as __main__: its sys.path, its gc setting
# and its imports, without serving a request.
GATEWAY_SETUP = f"""
exec(compile(open({str(GATEWAY)!r}).read(), {str(GATEWAY)!r}, "exec"), {{"__file__": {str(GATEWAY)!r}}})
import gc, sys  # loaded by then: names only
"""

# The child's half of the /db phases: gateway.py's start-up and imports, then
# single_query's steps, each followed by a timestamp on stderr.
DB_PHASES_PROBE = f"""
import time
stamps = [time.monotonic_ns()]
{GATEWAY_SETUP}
from gateway_cgi.response import json_response
from gateway_cgi.routes import world
stamps.append(time.monotonic_ns())
connection = world.connect()
stamps.append(time.monotonic_ns())
row = connection.execute(world.SELECT_WORLD, (world._random_id(),)).fetchone()
connection.close()
stamps.append(time.monotonic_ns())
json_response(world._world(row)).write(sys.stdout.buffer)
stamps.append(time.monotonic_ns())
sys.stderr.write(" ".join(map(str, stamps)))
gc.freeze()  # as gateway.py does after serve()
"""
DB_PHASES = ("interpreter start", "imports", "connect + auth", "query + close", "response")

IMPORT_PSYCOPG_PROBE = f"""
import time
{GATEWAY_SETUP}
start = time.monotonic_ns()
import psycopg
sys.stderr.write(str(time.monotonic_ns() - start))
"""


def interpreter() -> list[str]:
    """gateway.py's #! line as an argument list: the interpreter and its one flags word."""
    return GATEWAY.read_text().splitlines()[0].removeprefix("#!").split(maxsplit=1)


def cgi_environment(path: str) -> dict[str, str]:
    """The container's environment (POSTGRES_*) plus what nginx sends for a GET."""
    return {
        **os.environ,
        "GATEWAY_INTERFACE": "CGI/1.1",
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "/cgi",
        "PATH_INFO": path,
        "QUERY_STRING": "",
    }


class Run:
    """One child process: its spawn time, exit time, CPU time, stdout and stderr."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.spawned = time.monotonic_ns()
        child = subprocess.Popen(argv, env=env, cwd=APP, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Outputs are a few hundred bytes, below a pipe's buffer: reap first, then read.
        _, status, usage = os.wait4(child.pid, 0)
        self.exited = time.monotonic_ns()
        child.returncode = os.waitstatus_to_exitcode(status)
        self.cpu_ms = (usage.ru_utime + usage.ru_stime) * 1000
        self.stdout, self.stderr = child.stdout.read(), child.stderr.read().decode()
        child.stdout.close()
        child.stderr.close()
        if child.returncode != 0 or (self.stdout and not self.stdout.startswith(b"Status: 200")):
            sys.exit(f"{argv[-1]} failed ({child.returncode}): {self.stdout[:200]!r} {self.stderr[-2000:]}")

    @property
    def wall_ms(self) -> float:
        return (self.exited - self.spawned) / 1e6


def figures(values: list[float]) -> str:
    return f"{min(values):7.1f} {statistics.median(values):7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=20, help="processes per row (default 20)")
    runs = parser.parse_args().runs
    python = interpreter()

    whole = {
        "/cgi/floor": ([str(FLOOR)], cgi_environment("/floor")),
        "/cgi/hello": ([str(GATEWAY)], cgi_environment("/hello")),
        "/cgi/db": ([str(GATEWAY)], cgi_environment("/db")),
    }
    rows: dict[str, list[Run]] = {name: [] for name in whole}
    phases: list[list[float]] = [[] for _ in (*DB_PHASES, "exit")]
    import_psycopg: list[float] = []
    for round_number in range(runs + 1):  # round 0 warms the page cache and is not counted
        round_runs = {name: Run(*whole[name]) for name in whole}
        phase_run = Run([*python, "-c", DB_PHASES_PROBE], cgi_environment("/db"))
        import_run = Run([*python, "-c", IMPORT_PSYCOPG_PROBE], cgi_environment("/"))
        if round_number == 0:
            continue
        for name, run in round_runs.items():
            rows[name].append(run)
        stamps = [phase_run.spawned, *map(int, phase_run.stderr.split()), phase_run.exited]
        for phase, (start, end) in zip(phases, itertools.pairwise(stamps), strict=True):
            phase.append((end - start) / 1e6)
        import_psycopg.append(int(import_run.stderr) / 1e6)

    print(f"{runs} runs of each, one at a time; milliseconds, min and median; interpreter {' '.join(python)}")
    print(f"{'whole process (spawn to exit)':34} {'wall min':>8} {'median':>7}   {'cpu min':>7} {'median':>7}")
    for name, name_runs in rows.items():
        print(f"  {name:32} {figures([r.wall_ms for r in name_runs])}   {figures([r.cpu_ms for r in name_runs])}")
    print("/cgi/db phase by phase")
    for name, values in zip((*DB_PHASES, "exit (teardown + reap)"), phases, strict=True):
        print(f"  {name:32} {figures(values)}")
    print(f"  {'sum of the phases':32} {figures([sum(run) for run in zip(*phases, strict=True)])}")
    print(f"  {'of which import psycopg alone':32} {figures(import_psycopg)}")

    def median(name: str) -> float:
        return statistics.median(run.wall_ms for run in rows[name])

    floor, hello, db = median("/cgi/floor"), median("/cgi/hello"), median("/cgi/db")
    psycopg = statistics.median(import_psycopg)
    print("issue 14 targets, on medians")
    print(f"  /cgi/hello / /cgi/floor = {hello / floor:.2f} (target <= 1.5)")
    print(f"  /cgi/db = {db:.1f} ms; /cgi/floor + import psycopg + 15 ms = {floor + psycopg + 15:.1f} ms")


if __name__ == "__main__":
    main()
