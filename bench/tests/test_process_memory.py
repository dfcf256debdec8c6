"""Peak memory per process: /proc read in a container, roles from the process tree, the report's figures."""

import os
import re
import subprocess

import pytest

from bench import process_memory
from bench.docker_stats import ServiceUsage
from bench.execution import LOAD_GENERATOR
from bench.generators import Load
from bench.process_memory import (
    READ_SCRIPT,
    RESET_SCRIPT,
    SINCE_CELL,
    SINCE_START,
    TICKS_PER_SECOND,
    ProcessMemory,
    cpu_ticks,
    parse_processes,
    parse_reset,
    peaks,
    worker_count,
)
from bench.provenance import describe_settings
from bench.report_html import render_html
from bench.stack import counted_workers
from bench.summary import _uneven_workers, build_summary, process_memory_text, render_markdown
from bench.tests.test_generators import _outcome

MIB = 2**20


def _stat(pid: int, ppid: int, name: str, utime: int, stime: int) -> str:
    """A /proc/<pid>/stat line: utime and stime are fields 14 and 15."""
    return f"{pid} ({name}) S {ppid} {pid} {pid} 0 -1 4194560 900 0 3 0 {utime} {stime} 0 0 20 0 1 0 77 1000 250\n"


def _status(
    pid: int, ppid: int, name: str, peak_kib: int, command: str, session: int = 1, ticks: int | None = None
) -> str:
    """One process as READ_SCRIPT prints it: pid, status file, stat line, NUL-separated command line."""
    stat = "" if ticks is None else f"Stat:\t{_stat(pid, ppid, name, ticks - ticks // 4, ticks // 4)}"
    return (
        f"\n=={pid}\nName:\t{name}\nState:\tS (sleeping)\nPid:\t{pid}\nPPid:\t{ppid}\nNSsid:\t{session}\n"
        f"VmPeak:\t  300000 kB\nVmHWM:\t{peak_kib:>8} kB\nVmRSS:\t    1000 kB\n"
        f"{stat}Cmdline:\t{command.replace(' ', chr(0))}\0"
    )


GUNICORN = "/opt/venv/bin/python3 /opt/venv/bin/gunicorn -c gunicorn.conf.py"
SPAWN = "/opt/venv/bin/python -B -c from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=7)"
TRACKER = "/opt/venv/bin/python -B -c from multiprocessing.resource_tracker import main;main(6)"
FCGIWRAP = "fcgiwrap -c 2 -s tcp:0.0.0.0:9000 -p /srv/cgi_app/gateway.py"

DJANGO = (
    _status(1, 0, "gunicorn", 52_000, GUNICORN)
    + _status(19, 1, "gunicorn", 90_000, GUNICORN)
    + _status(20, 1, "gunicorn", 88_000, GUNICORN)
    # `docker exec`'s processes: their parent is outside the container's pid namespace.
    + _status(31, 0, "python", 9_000, "python /srv/django_app/healthcheck.py", session=31)
    + "\n==33\n"  # exited between the listing and the read: no status
)
FASTAPI = (
    _status(1, 0, "python", 25_000, "python -m gateway_fastapi.serve")
    + _status(13, 1, "python", 12_000, TRACKER)
    + _status(14, 1, "python", 62_000, SPAWN)
    + _status(15, 1, "python", 63_000, SPAWN)
)
CGI = (
    _status(1, 0, "tini", 1_500, "/usr/bin/tini -g -- /bin/sh -c exec fcgiwrap")
    + _status(7, 1, "fcgiwrap", 2_400, FCGIWRAP)
    + _status(8, 7, "fcgiwrap", 1_000, FCGIWRAP)
    + _status(9, 7, "fcgiwrap", 1_100, FCGIWRAP)
    + _status(40, 9, "python3", 30_000, "/usr/local/bin/python3 /srv/cgi_app/gateway.py")
    # A health check's pipeline killed at its timeout: tini adopts it, its session stays the exec's.
    + _status(50, 1, "cgi-fcgi", 2_100, "cgi-fcgi -bind -connect 127.0.0.1:9000", session=48)
)
NGINX = (
    _status(1, 0, "nginx", 11_000, "nginx: master process nginx -e stderr -g daemon off;")
    + _status(14, 1, "nginx", 14_000, "nginx: worker process")
    + _status(15, 1, "nginx", 15_000, "nginx: worker process")
)


def _roles(output: str, unreset: set[int] | None = frozenset()) -> list[tuple[str, int, int, str]]:
    return [(p.role, p.pid, p.peak_rss_bytes // 1024, p.since) for p in peaks(parse_processes(output), unreset)]


def test_status_blocks_parse_into_processes_with_their_peak_and_command_line() -> None:
    processes = parse_processes(DJANGO)
    assert [p.pid for p in processes] == [1, 19, 20, 31]  # 33 exited: left out
    assert processes[1].peak_rss_bytes == 90_000 * 1024 and processes[1].ppid == 1
    assert processes[1].command == GUNICORN  # NULs between the arguments become spaces


def test_roles_come_from_the_process_tree_and_exec_processes_are_left_out() -> None:
    assert _roles(DJANGO) == [("master", 1, 52_000, SINCE_CELL), ("worker", 19, 90_000, SINCE_CELL),
                              ("worker", 20, 88_000, SINCE_CELL)]  # fmt: skip
    assert [r[0] for r in _roles(FASTAPI)] == ["supervisor", "resource tracker", "worker", "worker"]
    # tini is pid 1 but not the server: fcgiwrap's parent is, its children the workers;
    # a CGI process alive at the read (pid 40) is caught mid-request, and what tini
    # adopted from a health check (50) is not the server's: both left out.
    assert [r[:2] for r in _roles(CGI)] == [("init", 1), ("supervisor", 7), ("worker", 8), ("worker", 9)]
    assert [r[0] for r in _roles(NGINX)] == ["master", "worker", "worker"]  # nginx's own titles
    single = _status(1, 0, "python", 40_000, "python -m gateway_asgi.serve")
    assert [r[0] for r in _roles(single)] == ["server"]


def test_a_peak_the_reset_did_not_clear_is_since_its_process_started() -> None:
    assert [r[3] for r in _roles(DJANGO, {19})] == [SINCE_CELL, SINCE_START, SINCE_CELL]
    assert {r[3] for r in _roles(DJANGO, None)} == {SINCE_START}  # no reset at all


def test_workers_are_counted_or_a_single_server_process_is_one() -> None:
    assert worker_count(peaks(parse_processes(DJANGO), set())) == 2
    assert worker_count(peaks(parse_processes(FASTAPI), set())) == 2  # not the resource tracker
    assert worker_count(peaks(parse_processes(_status(1, 0, "python", 1, "python serve.py")), set())) == 1
    assert counted_workers(None, 5) == "5" and counted_workers("2", 2) == "2+2"  # two containers of a service


def test_the_read_script_reads_this_machines_proc() -> None:
    """READ_SCRIPT under the host's sh: it lists this test's own process with its real
    peak, and not the shell that runs it."""
    with open(f"/proc/{os.getpid()}/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) * 1024
    output = subprocess.run(["sh", "-c", READ_SCRIPT], capture_output=True, text=True, check=True).stdout
    processes = {p.pid: p for p in parse_processes(output)}
    me = processes[os.getpid()]
    assert me.peak_rss_bytes >= rss > 0
    assert "pytest" in me.command or "python" in me.command
    assert me.cpu_ticks is not None and me.cpu_ticks > 0  # this test process has run
    assert not any(p.ppid == os.getpid() and p.name == "sh" for p in processes.values())


def test_process_memory_resets_on_entry_and_reads_on_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def fake_exec(container: str, script: str) -> str:
        calls.append((container, "read" if script == READ_SCRIPT else "reset"))
        if container == "gone":
            raise subprocess.CalledProcessError(1, "docker exec")
        return {"reset": "20\n", "read": DJANGO}[calls[-1][1]]

    monkeypatch.setattr(process_memory, "_exec", fake_exec)
    with ProcessMemory({"gw-django-1": "django", "gone": "cgi"}) as memory:
        assert sorted(calls) == [("gone", "reset"), ("gw-django-1", "reset")]
    assert sorted(calls) == [("gone", "read"), ("gone", "reset"), ("gw-django-1", "read"), ("gw-django-1", "reset")]
    by_service = memory.by_service()
    assert list(by_service) == ["django"]  # a container that is gone gives no figure
    assert [(p.pid, p.since) for p in by_service["django"]] == [(1, SINCE_CELL), (19, SINCE_CELL), (20, SINCE_START)]


def test_cpu_time_is_read_from_each_processs_stat_line_before_and_after_the_cell() -> None:
    assert cpu_ticks(_stat(19, 1, "gunicorn", 250, 50)) == 300
    assert cpu_ticks(_stat(7, 1, "a) (b", 3, 4)) == 7  # the name may hold parentheses and spaces
    assert cpu_ticks("") is None
    reset_output = "20\n" + f"19={_stat(19, 1, 'gunicorn', 80, 20)}" + f"20={_stat(20, 1, 'gunicorn', 8, 2)}" + "21=\n"
    assert parse_reset(reset_output) == ({20}, {19: 100, 20: 10})  # 21 exited before its stat was read
    after = (
        _status(1, 0, "gunicorn", 52_000, GUNICORN, ticks=40)
        + _status(19, 1, "gunicorn", 90_000, GUNICORN, ticks=100 + 3 * TICKS_PER_SECOND)
        + _status(20, 1, "gunicorn", 88_000, GUNICORN, ticks=10 + TICKS_PER_SECOND // 2)
    )
    unreset, before = parse_reset(reset_output)
    assert [(p.role, p.cpu_seconds) for p in peaks(parse_processes(after), unreset, before)] == [
        ("master", None),  # not read before the cell
        ("worker", 3.0),
        ("worker", 0.5),
    ]


def test_a_cell_whose_load_reached_one_worker_of_two_is_flagged() -> None:
    def record(backend: str, *worker_cpu: float) -> dict:
        workers = [{"role": "worker", "cpu_seconds": cpu} for cpu in worker_cpu]
        processes = [{"role": "supervisor", "cpu_seconds": 9.0}, *workers]
        return {"backend": backend, "run_seconds": 10.0, "process_memory": {backend: processes}}

    [flag] = [f for f in [_uneven_workers(record("fastapi", 7.15, 0.02))] if f]
    assert flag.startswith("one of fastapi's 2 workers did 100% of their CPU")
    assert flag.endswith("measured one worker (repeat it)")
    repeated = {**record("fastapi", 7.15, 0.02), "retried": {"flag": flag, "requests_per_second": 1509.0}}
    assert str(_uneven_workers(repeated)).endswith("measured one worker in its repeat too")
    assert _uneven_workers(record("fastapi", 5.1, 4.9)) is None  # split evenly
    # direct-django-asgi-io: 90 % in one worker, but both used 0.2 of a core, waiting on sleeps.
    assert _uneven_workers(record("django-asgi", 1.9, 0.22)) is None
    assert _uneven_workers(record("nginx", 7.0, 0.1)) is None  # the edge's own workers
    assert _uneven_workers(record("django", 7.0, None)) is None  # one worker's reading missing


def test_the_reset_script_reads_this_machines_cpu_times() -> None:
    """RESET_SCRIPT under the host's sh, with clear_refs refused or not: this test's
    process is listed with its CPU ticks."""
    output = subprocess.run(["sh", "-c", RESET_SCRIPT], capture_output=True, text=True, check=True).stdout
    _, ticks = parse_reset(output)
    assert ticks[os.getpid()] > 0


def _peaks(output: str, unreset: set[int]) -> list[dict]:
    return [p.__dict__ for p in peaks(parse_processes(output), unreset)]


def test_compact_text_groups_the_processes_by_role() -> None:
    assert process_memory_text(_peaks(DJANGO, set())) == "master 51 MiB · 2 workers 86/88 MiB"
    assert process_memory_text(_peaks(FASTAPI, set())) == (
        "supervisor 24 MiB · resource tracker 12 MiB · 2 workers 61/62 MiB"
    )
    fcgiwrap = _status(1, 0, "fcgiwrap", 2_400, FCGIWRAP)
    many = "".join(_status(pid, 1, "fcgiwrap", 1_000 + 50 * pid, FCGIWRAP) for pid in range(8, 16))
    text = process_memory_text(_peaks(fcgiwrap + many, set()))
    assert text == "supervisor 2.3 MiB · 8 workers 1.4-1.7 MiB"  # more than three: the range
    alike = "".join(_status(pid, 1, "fcgiwrap", 1_044, FCGIWRAP) for pid in range(8, 16))
    assert process_memory_text(_peaks(fcgiwrap + alike, set())) == "supervisor 2.3 MiB · 8 workers 1.0 MiB each"
    assert process_memory_text(_peaks(DJANGO, {1})).endswith("MiB (since process start)")
    assert process_memory_text([]) == "-"


def test_summary_and_report_show_each_processs_peak_beside_the_cells_figures() -> None:
    edge = _outcome("edge-django-hello", 1_000, {"nginx": 20.0, "django": 80.0, LOAD_GENERATOR: 10.0})
    direct = _outcome("direct-django-hello", 2_000, {"django": 90.0, LOAD_GENERATOR: 10.0})
    for outcome in (edge, direct):
        outcome.usage["django"] = ServiceUsage(80.0, 80.0, 200 * MIB, tuple(peaks(parse_processes(DJANGO), set())))
    edge.usage["nginx"] = ServiceUsage(20.0, 20.0, 40 * MIB, tuple(peaks(parse_processes(NGINX), set())))
    summary = build_summary([edge, direct], Load(20, 20, 10), [], "T", "cells", {})
    record = summary["cells"][0]
    assert "processes" not in record["resources"]["django"]
    assert [p["role"] for p in record["process_memory"]["django"]] == ["master", "worker", "worker"]
    assert record["process_memory"]["django"][1] == {
        "role": "worker", "pid": 19, "peak_rss_bytes": 90_000 * 1024, "since": SINCE_CELL, "command": GUNICORN,
        "cpu_seconds": None,
    }  # fmt: skip
    assert "nginx" not in summary["cells"][1]["process_memory"]  # the direct cell did not pass through it
    markdown = render_markdown(summary)
    nginx, django = "master 11 MiB · 2 workers 14/15 MiB", "master 51 MiB · 2 workers 86/88 MiB"
    assert f"- edge-django-hello: nginx {nginx}; django {django}" in markdown
    html = render_html(summary)
    assert '<th scope="colgroup" colspan="2">peak memory per process</th>' in html
    # One span per role, so a narrow window wraps between roles, never inside one.
    assert _memory_cells(html, "edge-django-hello") == [["master 11 MiB", "2 workers 14/15 MiB"], [
        "master 51 MiB", "2 workers 86/88 MiB"]]  # fmt: skip
    assert _memory_cells(html, "direct-django-hello") == [["-"], ["master 51 MiB", "2 workers 86/88 MiB"]]


def _memory_cells(html: str, slug: str) -> list[list[str]]:
    """The row's peak memory cells, each as its roles' texts."""
    row = html[html.index(f'data-slug="{slug}"') :].split("</tr>")[0]
    cells = re.findall(r'<td class="memory">(.*?)</td>', row)
    return [re.findall(r"<span>(.*?)</span>", cell) or [cell] for cell in cells]


def test_settings_show_the_counted_workers_where_the_config_ignores_the_variable() -> None:
    settings = {
        "django": {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "8", "workers": "2"},
        "was-gunicorn-sync": {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "1", "workers": "5"},
        "was-gunicorn-sync-1": {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "1", "workers": "1"},
        "cgi": {"FCGI_CHILDREN": "8"},
        "old": {"UVICORN_WORKERS": "2"},  # a report from before the count
    }
    assert describe_settings({"settings": settings}) == (
        "django GUNICORN_WORKERS=2 GUNICORN_THREADS=8; was-gunicorn-sync workers=5 GUNICORN_THREADS=1; "
        "was-gunicorn-sync-1 workers=1 GUNICORN_THREADS=1; cgi FCGI_CHILDREN=8; old UVICORN_WORKERS=2"
    )
