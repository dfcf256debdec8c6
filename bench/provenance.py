"""Where and from what a report came: commit, host, engine, stack settings, arguments."""

import os
import socket
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.stack import WORKER_SETTINGS, WORKERS


def git_state(directory: Path) -> dict[str, Any]:
    """The commit checked out and whether the work tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=directory, capture_output=True, text=True, check=True).stdout

    try:
        commit = git("rev-parse", "HEAD").strip()
        dirty = bool(git("status", "--porcelain", "--untracked-files=no").strip())
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def host_facts() -> dict[str, Any]:
    """The machine that ran Locust and (with compose) the stack."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        memory = None
    return {"name": socket.gethostname(), "cpus": os.cpu_count(), "memory_bytes": memory}


def provenance(project_dir: Path, started: datetime, stack: dict[str, Any], arguments: list[str]) -> dict[str, Any]:
    return {
        **git_state(project_dir),
        "date": started.isoformat(timespec="seconds"),
        "host": host_facts(),
        **stack,
        "arguments": arguments,
    }


def describe_host(record: dict[str, Any]) -> str:
    """'host lab1 (2 cores, 3.8 GiB, Docker 28.1.1)'."""
    host = record.get("host")
    if not host:
        return "host unknown"  # a report from before reports recorded it
    facts = [f"{host['cpus']} cores"]
    if host.get("memory_bytes"):
        facts.append(f"{host['memory_bytes'] / 2**30:.1f} GiB")
    if record.get("engine"):
        facts.append(f"Docker {record['engine']}")
    return f"host {host['name']} ({', '.join(facts)})"


def describe_commit(record: dict[str, Any]) -> str:
    """'commit 1a2b3c4' or 'commit 1a2b3c4 plus uncommitted changes'."""
    commit = record.get("commit")
    if not commit:
        return "commit unknown"
    return f"commit {commit[:7]}" + (" plus uncommitted changes" if record.get("dirty") else "")


def _service_settings(values: dict[str, str]) -> str:
    """'GUNICORN_WORKERS=2 GUNICORN_THREADS=8', or, where the workers counted in the
    container (bench/stack.py) are not what a worker setting says (a config with its own
    count, such as the server matrix's Gunicorn sync variants), 'workers=5 GUNICORN_THREADS=1'."""
    counted = values.get(WORKERS)
    shown = {
        name: value
        for name, value in values.items()
        if name != WORKERS and not (counted is not None and name in WORKER_SETTINGS and value != counted)
    }
    if counted is not None and not any(name in WORKER_SETTINGS for name in shown):
        shown = {WORKERS: counted, **shown}
    return " ".join(f"{name}={value}" for name, value in shown.items())


def describe_settings(record: dict[str, Any]) -> str:
    """'cgi FCGI_CHILDREN=8; django GUNICORN_WORKERS=2 GUNICORN_THREADS=8; was-gunicorn-sync workers=5 ...'."""
    settings = record.get("settings") or {}
    if not settings:
        return "stack settings not recorded"
    return "; ".join(f"{service} {_service_settings(values)}" for service, values in settings.items())


def describe(record: dict[str, Any]) -> str:
    """One sentence for a report's header."""
    return (
        f"{describe_commit(record)}, {record.get('date', '?')}, {describe_host(record)}; {describe_settings(record)}."
    )
