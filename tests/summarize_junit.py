"""The closing line of `make test`: one total over the JUnit XML file of every expected suite.

    python tests/summarize_junit.py JUNIT_DIR SUITE...

reads JUNIT_DIR/<suite>.xml for each SUITE, prints a line per suite and then
`total: N passed, N failed, N skipped`, and exits non-zero, naming the reason,
when anything failed, an expected suite wrote no file or ran zero tests, or a
file in JUNIT_DIR belongs to no expected suite (the list must stay complete).
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple


class Counts(NamedTuple):
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def __add__(self, other: tuple) -> "Counts":
        return Counts(*(mine + theirs for mine, theirs in zip(self, other, strict=True)))

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped


def count(report: Path) -> Counts:
    """Counts the <testcase> elements, so nested or per-class <testsuite>s never count twice."""
    passed = failed = skipped = 0
    for case in ET.parse(report).getroot().iter("testcase"):  # noqa: S314 -- our own test runners' output
        outcomes = {child.tag for child in case}
        if outcomes & {"failure", "error"}:
            failed += 1
        elif "skipped" in outcomes:
            skipped += 1
        else:
            passed += 1
    return Counts(passed, failed, skipped)


def summarize(folder: Path, suites: list[str]) -> tuple[list[str], list[str], Counts]:
    """A line per suite, the problems that make the run fail, and the total."""
    lines: list[str] = []
    problems: list[str] = []
    total = Counts()
    for suite in suites:
        report = folder / f"{suite}.xml"
        if not report.is_file():
            problems.append(f"{suite}: no JUnit file ({report})")
            continue
        try:
            counts = count(report)
        except ET.ParseError as error:
            problems.append(f"{suite}: unreadable JUnit file {report}: {error}")
            continue
        lines.append(f"{suite}: {counts.passed} passed, {counts.failed} failed, {counts.skipped} skipped")
        if counts.total == 0:
            problems.append(f"{suite}: ran zero tests")
        if counts.failed:
            problems.append(f"{suite}: {counts.failed} failed")
        total += counts
    for stray in sorted({path.stem for path in folder.glob("*.xml")} - set(suites)):
        problems.append(f"{stray}: {stray}.xml is not an expected suite (add it to the list in scripts/test.sh)")
    return lines, problems, total


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: summarize_junit.py JUNIT_DIR SUITE...", file=sys.stderr)
        return 2
    lines, problems, total = summarize(Path(argv[0]), argv[1:])
    for line in lines:
        print(line)
    for problem in problems:
        print(f"FAILED {problem}")
    print(f"total: {total.passed} passed, {total.failed} failed, {total.skipped} skipped")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
