"""Reading summary.json files back: one report folder, or a folder of them."""

import json
from pathlib import Path

from bench.summary import Summary

SUMMARY = "summary.json"


def load_summary(path: Path) -> Summary:
    """A report folder (or its summary.json) -> the summary."""
    file = path / SUMMARY if path.is_dir() else path
    return json.loads(file.read_text())


def throughput(summary: Summary) -> dict[str, float]:
    """slug -> requests per second, for the cells that have statistics."""
    return {record["slug"]: record["stats"]["requests_per_second"] for record in summary["cells"] if record["stats"]}


def p95(summary: Summary) -> dict[str, float]:
    """slug -> 95th percentile in ms, for the cells that have one."""
    return {
        record["slug"]: record["stats"]["p95_ms"]
        for record in summary["cells"]
        if record["stats"] and record["stats"]["p95_ms"] is not None
    }
