"""The closing total of `make test`: it must show failures, missing suites and empty suites."""

from pathlib import Path

import pytest

from tests.summarize_junit import Counts, count, main, summarize

PYTEST_REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5">
<testcase classname="t" name="ok1"/><testcase classname="t" name="ok2"/>
<testcase classname="t" name="bad"><failure message="boom"/></testcase>
<testcase classname="t" name="broken"><error message="fixture"/></testcase>
<testcase classname="t" name="later"><skipped message="no"/></testcase>
</testsuite></testsuites>"""
# unittest-xml-reporting style: one <testsuite> per class, nested in another.
NESTED_REPORT = """<?xml version="1.0"?>
<testsuites><testsuite name="all" tests="2"><testsuite name="A" tests="1">
<testcase name="a"/></testsuite><testsuite name="B" tests="1"><testcase name="b"/></testsuite>
</testsuite></testsuites>"""
PASSING_REPORT = '<testsuite tests="1"><testcase name="only"/></testsuite>'
EMPTY_REPORT = '<testsuites><testsuite name="pytest" tests="0"/></testsuites>'


def write(folder: Path, **reports: str) -> Path:
    for suite, text in reports.items():
        (folder / f"{suite}.xml").write_text(text)
    return folder


def test_counts_each_outcome_once(tmp_path):
    assert count(write(tmp_path, r=PYTEST_REPORT) / "r.xml") == Counts(2, 2, 1)


def test_nested_suites_count_their_cases_once(tmp_path):
    assert count(write(tmp_path, n=NESTED_REPORT) / "n.xml") == Counts(2, 0, 0)


def test_total_adds_every_expected_suite(tmp_path):
    write(tmp_path, a=PYTEST_REPORT, b=NESTED_REPORT)
    lines, problems, total = summarize(tmp_path, ["a", "b"])
    assert total == Counts(4, 2, 1)
    assert lines == ["a: 2 passed, 2 failed, 1 skipped", "b: 2 passed, 0 failed, 0 skipped"]
    assert problems == ["a: 2 failed"]


def test_all_passing_suites_exit_zero_and_close_with_the_total(tmp_path, capsys):
    write(tmp_path, a=PASSING_REPORT, b=NESTED_REPORT)
    assert main([str(tmp_path), "a", "b"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "total: 3 passed, 0 failed, 0 skipped"


@pytest.mark.parametrize(
    ("reports", "reason"),
    [
        ({"a": PASSING_REPORT, "b": PYTEST_REPORT}, "FAILED b: 2 failed"),
        ({"a": PASSING_REPORT}, "FAILED b: no JUnit file"),
        ({"a": PASSING_REPORT, "b": EMPTY_REPORT}, "FAILED b: ran zero tests"),
        ({"a": PASSING_REPORT, "b": "<testsuite"}, "FAILED b: unreadable JUnit file"),
        ({"a": PASSING_REPORT, "b": PASSING_REPORT, "c": PASSING_REPORT}, "FAILED c: c.xml is not an expected suite"),
    ],
    ids=["a failure", "a missing suite", "an empty suite", "a broken file", "an unexpected suite"],
)
def test_exits_non_zero_and_names_the_reason(tmp_path, capsys, reports, reason):
    write(tmp_path, **reports)
    assert main([str(tmp_path), "a", "b"]) == 1
    out = capsys.readouterr().out
    assert any(line.startswith(reason) for line in out.splitlines()), out
    assert out.splitlines()[-1].startswith("total: ")


def test_needs_a_folder_and_at_least_one_suite(capsys):
    assert main(["somewhere"]) == 2
