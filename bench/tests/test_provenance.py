"""summary.json says where its numbers came from: commit, host, engine, settings, arguments."""

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.provenance import describe
from bench.stack import SIZE_SETTINGS, settings_from_inspect

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _provenance(reports: Path) -> dict:
    return json.loads((reports / "latest" / "summary.json").read_text())["provenance"]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout


def test_summary_records_commit_host_and_arguments(bench_reports: Path) -> None:
    origin = _provenance(bench_reports)
    assert origin["commit"] == _git("rev-parse", "HEAD").strip()
    assert origin["dirty"] == bool(_git("status", "--porcelain", "--untracked-files=no").strip())
    assert origin["host"]["cpus"] == os.cpu_count()
    assert origin["host"]["memory_bytes"] == os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert "--workloads=hello,static" in origin["arguments"]
    created = json.loads((bench_reports / "latest" / "summary.json").read_text())["created"]
    assert datetime.fromisoformat(origin["date"]) == datetime.strptime(created, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    # --executor local: the target is not ours to inspect, and the summary says so.
    assert origin["engine"] is None and origin["settings"] == {}
    assert "stack settings not recorded" in (bench_reports / "latest" / "summary.md").read_text()


def _container(service: str, environment: list[str]) -> dict:
    return {
        "Name": f"/gw-{service}-1",
        "Config": {"Labels": {"com.docker.compose.service": service}, "Env": environment},
    }


def test_size_settings_come_from_the_containers_environment() -> None:
    inspect = [
        _container("django", ["PATH=/usr/bin", "GUNICORN_WORKERS=3", "GUNICORN_THREADS=4"]),
        _container("fastapi", ["UVICORN_WORKERS=2", "DB_POOL_MAX=10"]),
        _container("cgi", ["FCGI_CHILDREN=8"]),
        _container("postgres", ["PGDATA=/var/lib/postgresql/data"]),
    ]
    settings = settings_from_inspect(json.dumps(inspect))
    assert list(settings) == ["cgi", "django", "fastapi"]  # postgres has none of them
    assert settings["django"] == {"GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "4"}
    assert settings["fastapi"] == {"UVICORN_WORKERS": "2", "DB_POOL_MAX": "10"}
    assert {name for values in settings.values() for name in values} == set(SIZE_SETTINGS)
    host = {"name": "lab", "cpus": 2, "memory_bytes": 4 * 2**30}
    sentence = describe(
        {"commit": "0123456789abcdef", "dirty": True, "host": host, "settings": settings, "engine": "28.1.1"}
    )
    assert "commit 0123456 plus uncommitted changes" in sentence
    assert "django GUNICORN_WORKERS=3 GUNICORN_THREADS=4" in sentence
    assert "host lab (2 cores, 4.0 GiB, Docker 28.1.1)" in sentence
    assert "host unknown" in describe({})
