"""Requests through a real fcgiwrap, started as the image starts it, via cgi-fcgi."""

import json
import time
from pathlib import Path

import psycopg
from cgi_client import run_fastcgi
from conftest import message_count, start_fcgiwrap, stop_process_group


def test_hello_through_fcgiwrap(fcgiwrap: str) -> None:
    response = run_fastcgi(fcgiwrap, "/hello")
    assert response.status == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.body == b"Hello, CGI World"


def test_database_settings_reach_the_script_through_fcgiwrap(fcgiwrap: str) -> None:
    # nginx sends no POSTGRES_* parameter: the script gets them from the
    # environment fcgiwrap was started with.
    assert run_fastcgi(fcgiwrap, "/healthz").status == 200


def test_every_request_is_a_new_process(fcgiwrap: str) -> None:
    pids = {run_fastcgi(fcgiwrap, "/info").json()["pid"] for _ in range(3)}
    assert len(pids) == 3


def test_info_server_is_fcgiwrap_with_its_installed_release(fcgiwrap: str) -> None:
    release = Path("/etc/gateway-cgi/server-release").read_text().strip()
    assert release.startswith("fcgiwrap ")
    assert run_fastcgi(fcgiwrap, "/info").json()["server"] == release


def test_post_through_fcgiwrap(fcgiwrap: str) -> None:
    body = json.dumps({"author": "fcgi", "text": "through fcgiwrap"}).encode()
    response = run_fastcgi(fcgiwrap, "/messages", method="POST", body=body, content_type="application/json")
    assert response.status == 201
    assert response.json()["via"] == "cgi"


def test_oversized_body_is_413_not_a_broken_pipe(fcgiwrap: str, database: psycopg.Connection) -> None:
    # fcgiwrap writes the whole body before reading the reply: the script must
    # consume it, or fcgiwrap answers 502 instead of the script's 413.
    before = message_count(database)
    body = b'{"author": "a", "text": "' + b"b" * 1_000_000 + b'"}'
    response = run_fastcgi(fcgiwrap, "/messages", method="POST", body=body, content_type="application/json")
    assert response.status == 413
    assert "error" in response.json()
    assert message_count(database) == before


def test_fcgiwrap_runs_no_other_program(fcgiwrap: str) -> None:
    response = run_fastcgi(fcgiwrap, "/", param_overrides={"SCRIPT_FILENAME": "/usr/bin/id"})
    assert response.status == 403
    assert b"uid=" not in response.body


def test_sigterm_to_the_process_group_stops_every_process() -> None:
    process, address = start_fcgiwrap(children=3)
    assert run_fastcgi(address, "/hello").status == 200
    assert len(live_members(process.pid)) >= 4  # the parent and its three children
    stop_process_group(process)
    deadline = time.monotonic() + 5
    while live_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_members(process.pid) == []


def live_members(process_group: int) -> list[int]:
    """Processes of the group that have not exited (zombies wait for a reaper, not for us)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces.
            state, _ppid, group = (entry / "stat").read_text().rpartition(")")[2].split()[:3]
        except FileNotFoundError:  # exited meanwhile
            continue
        if int(group) == process_group and state != "Z":
            members.append(int(entry.name))
    return members
