"""Container limits (issue 8): memory, CPU, pids and open files on every long-running
service, as the kernel enforces them, with the headroom docker-compose.yml states; and a
backend the kernel kills for memory comes back by itself while the edge answers its
routes with its own JSON error."""

import json
import threading
import time

import httpx
import pytest

from tests.conftest import BACKENDS, LONG_RUNNING, compose, container_usage, edge_client, inspect_container

# What the kernel enforces, read inside the container: cgroup v2 files, else v1's.
READ_CGROUP_LIMITS = """
cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes
cat /sys/fs/cgroup/cpu.max 2>/dev/null ||
  echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"
cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max
"""


def declared_limits(service: str) -> dict:
    """The service's limits as compose resolved them from docker-compose.yml and .env."""
    config = json.loads(compose("config", "--format", "json").stdout)["services"][service]
    limits = config["deploy"]["resources"]["limits"]
    return {
        "memory": int(limits["memory"]),
        "cpus": float(limits["cpus"]),
        "pids": int(limits["pids"]),
        "nofile": config["ulimits"]["nofile"],
    }


def enforced_limits(service: str) -> dict:
    """The limits the container's cgroup and first process actually have."""
    memory, cpu, pids = compose("exec", "-T", service, "sh", "-c", READ_CGROUP_LIMITS).stdout.split("\n")[:3]
    quota, period = cpu.split()
    limits = compose("exec", "-T", service, "cat", "/proc/1/limits").stdout
    (open_files,) = (line.split()[3:5] for line in limits.splitlines() if line.startswith("Max open files"))
    return {
        "memory": int(memory),
        "cpus": int(quota) / int(period),
        "pids": int(pids),
        "nofile": {"soft": int(open_files[0]), "hard": int(open_files[1])},
    }


@pytest.mark.parametrize("service", LONG_RUNNING)
def test_the_kernel_enforces_the_declared_limits(service):
    # compose honours `deploy.resources` and `ulimits` (Compose v2); an engine or a
    # compose that ignored them would leave "max" and the host's defaults here.
    assert enforced_limits(service) == declared_limits(service)


@pytest.mark.parametrize("service", LONG_RUNNING)
def test_usage_after_the_suites_so_far_leaves_headroom(service):
    # docker-compose.yml sets each limit at twice a peak measured under load, rounded
    # up; after every suite before this one a service still leaves a third of its
    # memory and half of its pids free, or its limit no longer has the room it claims.
    limits = declared_limits(service)
    memory, pids = container_usage(service)
    assert memory < limits["memory"] * 2 / 3, f"{memory / 2**20:.0f} MiB of {limits['memory'] / 2**20:.0f} MiB"
    assert pids < limits["pids"] / 2, f"{pids} of {limits['pids']} pids"


# "Max open files" of every nginx worker (the image has no pgrep).
WORKERS_OPEN_FILES = """
for process in /proc/[0-9]*; do
  case "$(tr '\\0' ' ' <"$process/cmdline")" in
    "nginx: worker"*) grep '^Max open files' "$process/limits" ;;
  esac
done
"""


def test_nginx_workers_get_the_open_files_nginx_conf_asks_for():
    config = compose("exec", "-T", "nginx", "nginx", "-T").stdout

    def directive(name: str) -> int:
        (value,) = (line.split()[1].rstrip(";") for line in config.splitlines() if line.strip().startswith(name))
        return int(value)

    wanted = directive("worker_rlimit_nofile")
    assert wanted >= 2 * directive("worker_connections")  # a client and an upstream socket per connection
    # nginx raises each worker's limit to worker_rlimit_nofile, within the container's hard limit.
    workers = compose("exec", "-T", "nginx", "sh", "-c", WORKERS_OPEN_FILES).stdout.splitlines()
    assert workers
    for line in workers:
        assert line.split()[3:5] == [str(wanted), str(wanted)], line


# Run inside a backend with `exec`: it joins the container's memory cgroup, makes the
# server (PID 1) the kernel's first choice when the cgroup runs out (raising a score
# needs no privilege: +1000 adds the whole limit to PID 1's score), then fills the
# cgroup with children of an eighth of the limit each (at least 32 MiB), so that none
# of them outscores the server and 16 of them fit the container's pids limit. It stops
# at twice the limit (argv[1], bytes), or where the pids limit refuses a fork: the
# kernel must act long before, or every child exits after 30 s, this exits 0 and the
# test fails.
ALLOCATE_PAST_THE_LIMIT = """
import os, sys, time
with open("/proc/1/oom_score_adj", "w") as score:
    score.write("1000")
limit = int(sys.argv[1])
chunk = max(32 * 2**20, limit // 8)
for _ in range(2 * limit // chunk):
    try:
        child = os.fork()
    except BlockingIOError:  # the pids limit: what has been allocated must already be enough
        break
    if child == 0:
        data = bytearray(chunk)  # zero-filled: every page is touched
        time.sleep(30)
        os._exit(0)
try:
    while True:
        os.wait()
except ChildProcessError:
    pass
"""
UNAVAILABLE = {"error": "the backend is unavailable, try again shortly"}  # nginx/snippets/errors/json-errors.conf
COMEBACK_SECONDS = 60
CUT = 0  # EdgeProbe's status for a request that got no complete answer


class EdgeProbe:
    """GETs a path through the edge back to back in a thread, keeping every answer."""

    def __init__(self, ssl_context, path: str) -> None:
        self.path = path
        self.answers: list[tuple[int, str, str]] = []  # status, content type, body
        self._client = edge_client(ssl_context, timeout=15)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                response = self._client.get(self.path)
            except httpx.TransportError as error:  # kept as status 0: the test decides what it may be
                self.answers.append((CUT, "", repr(error)))
            else:
                self.answers.append((response.status_code, response.headers.get("content-type", ""), response.text))
            time.sleep(0.05)

    def __enter__(self) -> "EdgeProbe":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self._client.close()


def wait_until_healthy(service: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while inspect_container(service)["State"].get("Health", {}).get("Status") != "healthy":
        assert time.monotonic() < deadline, f"{service} not healthy again within {seconds} s"
        time.sleep(1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backend_killed_for_memory_restarts_while_the_edge_answers_json(ssl_context, backend):
    before = inspect_container(backend)
    with EdgeProbe(ssl_context, f"/{backend}/hello") as probe:
        limit = str(declared_limits(backend)["memory"])
        exited = compose("exec", "-T", backend, "python", "-c", ALLOCATE_PAST_THE_LIMIT, limit, check=False)
        killed_at = time.monotonic()
        try:
            # The probe's last answer may still be a 200 from before the kill:
            # wait for the engine's restart, then for a 200 after it.
            while inspect_container(backend)["RestartCount"] == before["RestartCount"]:
                assert time.monotonic() - killed_at < COMEBACK_SECONDS, f"not restarted within {COMEBACK_SECONDS} s"
                time.sleep(0.2)
            restarted = len(probe.answers)
            while not any(status == 200 for status, _, _ in probe.answers[restarted:]):
                assert time.monotonic() - killed_at < COMEBACK_SECONDS, f"no 200 within {COMEBACK_SECONDS} s"
                time.sleep(0.2)
        finally:
            wait_until_healthy(backend, COMEBACK_SECONDS)  # the tests after this one need it
    after = inspect_container(backend)
    assert exited.returncode == 137, exited.stderr  # SIGKILLed with its container
    # The engine's restart policy brought the same container back (never a new one)
    # after a run that the kernel's OOM killer ended (the engine records how it ended).
    assert after["Id"] == before["Id"]
    assert after["RestartCount"] == before["RestartCount"] + 1
    assert after["State"]["OOMKilled"] is True
    # The one request in flight when the kernel killed the server may have had its
    # status line and headers passed on already: nginx can then only close the
    # connection. Any other request must get an answer.
    cut = [answer for answer in probe.answers if answer[0] == CUT]
    assert len(cut) <= 1, cut
    outage = [answer for answer in probe.answers if answer[0] not in {200, CUT}]
    assert outage, "no request saw the backend down"
    for status, content_type, body in outage:
        assert status in {502, 503}, (status, body[:200])
        assert content_type.startswith("application/json") and json.loads(body) == UNAVAILABLE, body[:200]
