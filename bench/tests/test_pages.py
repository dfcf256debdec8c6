"""The pages under reports/: a capacity run's report, the index of runs, the comparison page,
and a kept summary of an older bench rendered again."""

import json
import shutil
from pathlib import Path

from bench.capacity_html import render_capacity_html, verdict_lines
from bench.compare import compare, write_page
from bench.pages import main as render_main
from bench.tests.test_bench import _parse

FIXTURES = Path(__file__).parent / "fixtures"
KEPT = sorted((Path(__file__).parents[2] / "docs" / "results").glob("*/summary.json"))


def _capacity() -> dict:
    return json.loads((FIXTURES / "capacity-summary.json").read_text())


def test_capacity_page_charts_connections_against_memory_per_kind() -> None:
    parsed = _parse(render_capacity_html(_capacity()))
    charts = [a for tag, a in parsed.tags if tag == "svg"]
    assert [a["aria-label"] for a in charts] == [
        "websocket: connections held vs memory (MiB by connections held)",
        "longpoll: connections held vs memory (MiB by connections held)",
    ]
    # One line per backend and one for nginx beside it; a run of one step is a dot.
    assert charts[1]["data-series"] == "was-gunicorn-sync-1,nginx (was-gunicorn-sync-1),asgi,nginx (asgi)"
    marks = [(tag, a["data-series"]) for tag, a in parsed.tags if a.get("class") == "line"]
    assert ("polyline", "fastapi") in marks and ("circle", "asgi") in marks
    assert sum(1 for tag, _ in parsed.tags if tag == "table") == 3  # one per run


def test_capacity_verdict_ranks_backends_by_connections_held() -> None:
    assert verdict_lines(_capacity()) == [
        "websocket: held most: fastapi 1,000 of 1,000 at 40.1 KiB each.",
        "longpoll: held most: asgi 100 of 100 at 8.5 KiB each; was-gunicorn-sync-1 16 of 100.",
    ]


def test_index_lists_every_run_newest_first_and_skips_symlinks(tmp_path: Path) -> None:
    for summary in KEPT:
        (tmp_path / summary.parent.name).mkdir()
        shutil.copy(summary, tmp_path / summary.parent.name)
    capacity = tmp_path / "conns-20261126T120000Z"
    capacity.mkdir()
    (capacity / "summary.json").write_text(json.dumps(_capacity()))
    (tmp_path / "latest").symlink_to(KEPT[0].parent.name)
    assert render_main([str(capacity), *(str(tmp_path / s.parent.name) for s in KEPT), "--index", str(tmp_path)]) == 0
    html = (tmp_path / "index.html").read_text()
    parsed = _parse(html)
    reports = [a["href"] for tag, a in parsed.tags if tag == "a" and a["href"].endswith("/report.html")]
    created = {capacity.name: _capacity()["created"], **{s.parent.name: s.parent.name for s in KEPT}}
    assert reports == [f"{name}/report.html" for name in sorted(created, key=created.get, reverse=True)]
    assert "capacity: 3 runs (longpoll, websocket)" in html
    assert (tmp_path / "report.css").is_file() and (capacity / "report.html").is_file()
    kept = _parse((tmp_path / KEPT[0].parent.name / "report.html").read_text())
    assert not [a for tag, a in kept.tags if tag == "a" and a["href"].startswith("cells/")]  # none kept: no link


def test_comparison_page_pairs_a_and_b_per_workload(tmp_path: Path) -> None:
    a, b = (json.loads(path.read_text()) for path in KEPT[:2])
    rows = compare(a, b, 0.1)
    page = write_page(tmp_path, a, b, rows, 0.1)
    assert page.name == f"compare-{a['created']}.html"
    parsed = _parse(page.read_text())
    charts = [attrs for tag, attrs in parsed.tags if tag == "svg"]
    workloads = list(dict.fromkeys(cell["workload"] for cell in b["cells"]))
    assert [c["aria-label"].split(":")[0] for c in charts] == workloads
    assert {c["data-series"] for c in charts} == {f"A {a['created']},B {b['created']}"}
    assert sum(1 for tag, a in parsed.tags if tag == "tr" and a.get("data-slug")) == len(rows)
    assert "script" not in [tag for tag, _ in parsed.tags]


def test_capacity_page_says_when_the_run_had_changes_not_committed() -> None:
    clean, dirty = _capacity(), {**_capacity(), "dirty": True}
    assert "with changes not committed" not in render_capacity_html(clean)
    assert "with changes not committed" in render_capacity_html(dirty)
