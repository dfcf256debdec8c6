"""`make bench-keep`: commit-ready copy of a run's summary.json under docs/results/.

Only summary.json (tens of kB), never Locust's CSV or HTML: the README's
figures and their run-to-run spread are computed from these copies.
"""

import argparse
import shutil
import sys
from pathlib import Path

from bench.reports import SUMMARY, load_summary
from bench.summary import invalid_cells

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_DIR / "docs" / "results"


def keep(run: Path, results: Path) -> Path:
    """Copy run's summary.json to results/<created>/summary.json; refuse an invalid or untraceable run."""
    summary = load_summary(run)
    if "provenance" not in summary:
        raise ValueError(f"{run}: records no commit or host (made before reports did), so not kept")
    invalid = invalid_cells(summary)
    if invalid:
        raise ValueError(f"{run}: not valid, so not kept: {', '.join(invalid)}")
    target = results / summary["created"] / SUMMARY
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(run / SUMMARY if run.is_dir() else run, target)
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make bench-keep [RUN=reports/latest]", description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, nargs="?", default=PROJECT_DIR / "reports" / "latest", help="report folder")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where kept summaries live")
    options = parser.parse_args(argv)
    try:
        target = keep(options.run.resolve(), options.results)
    except ValueError as error:
        print(f"bench keep: {error}", file=sys.stderr)
        return 1
    print(f"kept: {target}")
    return 0
