"""Reports side by side: compare two runs, keep a run, the README's figures from kept runs."""

import copy
import json
from pathlib import Path
from statistics import median

import pytest

from bench import compare, figures, keep
from bench.reports import load_summary, throughput
from bench.summary import Summary, write_json
from bench.tests.conftest import run_bench


@pytest.fixture
def summary(bench_reports: Path) -> Summary:
    return load_summary(bench_reports / "latest")


def _scaled(summary: Summary, factors: dict[str, float], created: str) -> Summary:
    """A copy of summary whose cells did factor x the requests per second."""
    scaled = copy.deepcopy(summary)
    scaled["created"] = created
    for record in scaled["cells"]:
        record["stats"]["requests_per_second"] *= factors.get(record["slug"], 1.0)
    return scaled


def test_compare_divides_b_by_a_per_cell_and_flags_beyond_the_threshold(summary: Summary) -> None:
    slugs = list(throughput(summary))
    b = _scaled(summary, {slugs[0]: 1.5, slugs[1]: 0.95}, "B")
    rows = {row["slug"]: row for row in compare.compare(summary, b, threshold=0.1)}
    assert list(rows) == slugs
    assert rows[slugs[0]]["ratio"] == pytest.approx(1.5) and rows[slugs[0]]["flag"] == "faster"
    assert rows[slugs[1]]["ratio"] == pytest.approx(0.95) and rows[slugs[1]]["flag"] == ""
    assert rows[slugs[2]]["ratio"] == pytest.approx(1.0) and rows[slugs[2]]["flag"] == ""
    strict = {row["slug"]: row["flag"] for row in compare.compare(summary, b, threshold=0.01)}
    assert strict[slugs[1]] == "slower"


def test_compare_command_prints_one_row_per_cell(bench_reports: Path, tmp_path: Path, capsys) -> None:
    a = load_summary(bench_reports / "latest")
    slug = next(iter(throughput(a)))
    (tmp_path / "b").mkdir()
    write_json(_scaled(a, {slug: 2.0}, "B"), tmp_path / "b" / "summary.json")
    assert compare.main([str(bench_reports / "latest"), str(tmp_path / "b")]) == 0
    output = capsys.readouterr()
    row = next(line for line in output.out.splitlines() if line.startswith(f"| {slug} |"))
    assert "| 2.00 |" in row and row.endswith("| faster |")
    assert f"1 of {len(a['cells'])} cells moved" in output.err


def test_keep_copies_only_the_summary_and_refuses_an_invalid_run(bench_reports: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    kept = keep.keep(bench_reports / "latest", results)
    assert kept == results / load_summary(bench_reports / "latest")["created"] / "summary.json"
    assert [path.name for path in kept.parent.iterdir()] == ["summary.json"]
    assert json.loads(kept.read_text()) == load_summary(bench_reports / "latest")
    failing = tmp_path / "failing"
    assert run_bench(failing, "--edge-host=http://failing", "--routes=edge", "--workloads=static") == 1
    with pytest.raises(ValueError, match="edge-nginx-static"):
        keep.keep(failing / "latest", results)
    untraceable = load_summary(bench_reports / "latest")
    del untraceable["provenance"]
    write_json(untraceable, tmp_path / "old-summary.json")
    with pytest.raises(ValueError, match="records no commit"):
        keep.keep(tmp_path / "old-summary.json", results)


README = "# Title\n\nBefore.\n\n<!-- bench:begin -->\nold figures\n<!-- bench:end -->\n\nAfter.\n"


def _keep_runs(results: Path, runs: list[Summary]) -> None:
    for run in runs:
        (results / run["created"]).mkdir(parents=True)
        write_json(run, results / run["created"] / "summary.json")


def test_figures_take_the_median_and_the_spread_of_the_newest_commits_runs(summary: Summary, tmp_path: Path) -> None:
    slugs = list(throughput(summary))
    factors = [0.9, 1.0, 1.2]
    runs = [_scaled(summary, {slugs[1]: f}, f"2026010{i}T000000Z") for i, f in enumerate(factors, start=1)]
    older = _scaled(summary, {slugs[1]: 5.0}, "20250101T000000Z")
    older["provenance"]["commit"] = "an older commit"
    results, readme = tmp_path / "results", tmp_path / "README.md"
    _keep_runs(results, [older, *runs])
    readme.write_text(README)
    assert figures.main([f"--results={results}", f"--readme={readme}"]) == 0
    text = readme.read_text()
    assert text.startswith("# Title\n\nBefore.\n\n<!-- bench:begin -->") and text.endswith(
        "<!-- bench:end -->\n\nAfter.\n"
    )
    assert "old figures" not in text
    base = throughput(summary)[slugs[1]]
    values = [base * f for f in factors]  # the older commit's run is not among them
    spread = (max(values) - min(values)) / median(values)
    row = next(line for line in text.splitlines() if line.startswith(f"| {slugs[1]} |"))
    assert row == (
        f"| {slugs[1]} | 3 | {min(values):,.0f} | {median(values):,.0f} | {max(values):,.0f} | {spread:.0%} |"
    )
    assert "over these 3 runs" in text and f"widest {spread:.0%} ({slugs[1]})" in text
    # The matrix table: medians, edge / direct per backend.
    assert slugs == ["edge-nginx-static", "edge-django-hello", "direct-django-hello"]
    direct = throughput(summary)["direct-django-hello"]
    assert "| workload | Django (edge / direct) |" in text
    assert f"| `hello` | {median(values):,.0f} / {direct:,.0f} |" in text
    assert f"The edge's static file did {throughput(summary)['edge-nginx-static']:,.0f} req/s." in text


def test_figures_leave_out_a_cell_its_run_flagged_unless_every_run_flagged_it(summary: Summary, tmp_path: Path) -> None:
    runs = [_scaled(summary, {}, f"2026010{i}T000000Z") for i in (1, 2, 3)]
    for run, factor in zip(runs, (1.0, 1.1, 0.5), strict=True):  # the third: one worker did the work
        direct = next(cell for cell in run["cells"] if cell["slug"] == "direct-django-hello")
        direct["stats"]["requests_per_second"] *= factor
    next(c for c in runs[2]["cells"] if c["slug"] == "direct-django-hello")["flags"] = ["one of django's 2 workers"]
    for run in runs:  # a cell flagged in every run still has its figures
        next(c for c in run["cells"] if c["slug"] == "edge-nginx-static")["flags"] = ["the load generator"]
    results, readme = tmp_path / "results", tmp_path / "README.md"
    _keep_runs(results, runs)
    readme.write_text(README)
    assert figures.main([f"--results={results}", f"--readme={readme}"]) == 0
    text = readme.read_text()
    base = throughput(summary)["direct-django-hello"]
    row = next(line for line in text.splitlines() if line.startswith("| direct-django-hello |"))
    assert row == f"| direct-django-hello | 2 | {base:,.0f} | {base * 1.05:,.0f} | {base * 1.1:,.0f} | 10% |"
    assert "Left out as flagged by their run (bench/README.md): direct-django-hello (1 of 3)." in text
    assert next(line for line in text.splitlines() if line.startswith("| edge-nginx-static |")).startswith(
        "| edge-nginx-static | 3 |"
    )


def test_figures_answer_the_ladders_questions_as_ratios_of_direct_medians(summary: Summary, tmp_path: Path) -> None:
    run = copy.deepcopy(summary)
    django = next(cell for cell in run["cells"] if cell["slug"] == "direct-django-hello")
    for backend, factor in (("wsgi", 1.6), ("was-gunicorn-sync-1", 0.25)):
        cell = copy.deepcopy(django)
        cell["slug"], cell["backend"] = f"direct-{backend}-hello", backend
        cell["stats"]["requests_per_second"] = django["stats"]["requests_per_second"] * factor
        run["cells"].append(cell)
    results, readme = tmp_path / "results", tmp_path / "README.md"
    _keep_runs(results, [run])
    readme.write_text(README + "\n<!-- ladder:begin -->\nold ladder\n<!-- ladder:end -->\n")
    assert figures.main([f"--results={results}", f"--readme={readme}", "--block=ladder"]) == 0
    text = readme.read_text()
    assert "old figures" in text and "old ladder" not in text  # only the block named is rewritten
    assert "| ratio | `hello` |" in text
    assert "| plain WSGI callable ÷ Django, both Gunicorn gthread | 1.60 |" in text
    assert "| the lab's Gunicorn gthread ÷ Gunicorn sync, 1 worker (tutorial default) | 4.00 |" in text
    assert "FastAPI" not in text.split("| ratio |")[1]  # rows whose backends did not run are left out


def test_figures_of_a_single_run_claim_no_spread(bench_reports: Path, tmp_path: Path) -> None:
    results, readme = tmp_path / "results", tmp_path / "README.md"
    keep.keep(bench_reports / "latest", results)
    readme.write_text(README)
    assert figures.main([f"--results={results}", f"--readme={readme}"]) == 0
    text = readme.read_text()
    assert "One run only, so no run-to-run spread is known yet" in text
    origin = load_summary(bench_reports / "latest")["provenance"]
    assert f"commit {origin['commit'][:7]}" in text and f"({origin['host']['cpus']} cores" in text


def test_compare_without_reports_says_what_is_missing(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        compare.main([str(tmp_path), str(tmp_path / "nowhere")])
    assert exit_info.value.code == 2
    assert f"{tmp_path}: no summary.json there" in capsys.readouterr().err
