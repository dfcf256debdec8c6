"""The report pages in Chromium, as served by the edge: a tiny real `make bench`, its
comparison with a kept run, a capacity run (a fixture of its summary's shape) and the
listing of /reports/. Each: no console error or failed request, every link answering,
axe-core clean, the charts drawn with the expected series, and a screenshot."""

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.conftest import container_env
from tests.e2e.test_landing import REPORTS, Visit, assert_sound_and_saved
from tests.e2e.test_load_testing import tiny_bench

PROJECT = Path(__file__).resolve().parents[2]
KEPT = PROJECT / "docs" / "results" / "20261126T075800Z"  # an older bench's (Locust) summary
CAPACITY = PROJECT / "bench" / "tests" / "fixtures" / "capacity-summary.json"


def bench(*arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "bench", *arguments], check=True, timeout=120, cwd=PROJECT)


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, str]]:
    """A tiny wrk run of two backends' hello, a kept run to compare it with, and a capacity run."""
    summary = tiny_bench(REPORTS, "--backends", "cgi,fastapi", "--workloads", "hello,static", "--routes", "edge,direct")
    kept = REPORTS / f"kept-{KEPT.name}"
    shutil.copytree(KEPT, kept, dirs_exist_ok=True)
    bench("render", str(kept))
    bench("compare", str(kept), str(REPORTS / summary["created"]))
    capacity = json.loads(CAPACITY.read_text())
    conns = REPORTS / f"conns-{capacity['created']}"
    conns.mkdir(exist_ok=True)
    shutil.copy(CAPACITY, conns / "summary.json")
    latest = REPORTS / "conns-latest"
    latest.unlink(missing_ok=True)
    latest.symlink_to(conns.name)
    bench("render", str(conns), "--index", str(REPORTS))
    yield {"bench": summary["created"], "kept": json.loads((KEPT / "summary.json").read_text())["created"]}
    latest.unlink()  # the landing page's state before a capacity run, for the tests after these


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def series(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("nodes => nodes.map(n => n.dataset.series)")


def test_report_groups_every_backend_by_workload_with_each_cell_over_time(context, runs, ssl_context):
    visit = Visit(context)
    page = visit.open(f"/reports/{runs['bench']}/report.html")
    expect(page.locator(".verdict")).to_contain_text("hello: ")
    hello = page.locator("section[data-workload='hello']")
    assert series(hello, "svg.bars") == ["edge,direct"]  # edge and direct paired in one chart
    bars = hello.locator("rect.bar").evaluate_all("bars => bars.map(b => [b.dataset.series, b.dataset.label])")
    # CGI has no direct route (fcgiwrap speaks only FastCGI). Each bar names its
    # backend with the ladder's interface, server and app (bench/matrix.py LADDER).
    cgi, fastapi = (
        "cgi (CGI · fcgiwrap, a process per request · plain CGI script)",
        ("fastapi (ASGI · Uvicorn --workers (the lab's) · FastAPI)"),
    )
    assert sorted(bars) == [["direct", fastapi], ["edge", cgi], ["edge", fastapi]]
    for box in hello.locator("rect.bar").all():
        assert float(box.get_attribute("width")) > 0
    # Every cell over time, from wrk's own per-second counters: a drawn line each.
    # and its mean latency by Little's law (wrk's closed loop: connections ÷ answers per second).
    assert series(hello, "svg.lines") == ["answers,failed", "mean"] * 3
    assert hello.locator("svg.lines polyline[data-series='answers']").count() == 3
    assert page.locator("section[data-workload='static'] tr[data-slug='edge-nginx-static']").count() == 1
    assert_sound_and_saved(visit, ssl_context, "report")


def _nginx_workers() -> int:
    return int(re.search(r"^worker_processes (\d+);", (PROJECT / "nginx" / "nginx.conf").read_text(), re.M)[1])


def test_report_shows_each_processs_peak_memory_beside_the_cells_figures(context, runs, ssl_context):
    """Beside each cell's figures, the peak memory of each process of nginx and of the app,
    by role: as many workers as the stack's settings start, and nginx only where the cell
    passes through it."""
    settings = json.loads((REPORTS / runs["bench"] / "summary.json").read_text())["provenance"]["settings"]
    visit = Visit(context)
    page = visit.open(f"/reports/{runs['bench']}/report.html")
    hello = page.locator("section[data-workload='hello']")
    expect(hello.locator("thead")).to_contain_text("peak memory per process")

    def memory(slug: str) -> list[str]:
        return hello.locator(f"tr[data-slug='{slug}'] td.memory").all_inner_texts()

    nginx, fastapi = memory("edge-fastapi-hello")
    assert re.fullmatch(rf"master [\d.]+ MiB · {_nginx_workers()} workers [\d.]+(-[\d.]+)? MiB( each)?", nginx)
    assert re.fullmatch(
        rf"supervisor [\d.]+ MiB · resource tracker [\d.]+ MiB · {settings['fastapi']['UVICORN_WORKERS']} "
        r"workers [\d./]+(-[\d.]+)? MiB( each)?",
        fastapi,
    )
    assert memory("direct-fastapi-hello")[0] == "-"  # no edge on the direct route
    cgi = memory("edge-cgi-hello")[1]  # tini, fcgiwrap and its children; the CGI scripts come and go
    assert "supervisor " in cgi and f"· {settings['cgi']['FCGI_CHILDREN']} workers " in cgi
    peaks = [float(figure) for text in (nginx, fastapi, cgi) for figure in re.findall(r"\d+(?:\.\d+)?", text)]
    assert all(peak > 0 for peak in peaks)


def test_report_names_the_worker_count_each_server_runs(context, runs):
    """The settings line counts each server's workers in its container: the server matrix's
    Gunicorn sync variants get GUNICORN_WORKERS with Django's environment and ignore it
    (gunicorn_sync_1.conf.py: 1 worker, gunicorn_sync.conf.py: 2 x CONTAINER_CPUS + 1)."""
    settings = json.loads((REPORTS / runs["bench"] / "summary.json").read_text())["provenance"]["settings"]
    django = container_env("django")["GUNICORN_WORKERS"]
    cpus = int(container_env("was-gunicorn-sync")["CONTAINER_CPUS"])
    assert settings["django"]["workers"] == django  # gunicorn.conf.py reads it
    assert settings["was-gunicorn-sync-1"]["workers"] == "1"
    assert settings["was-gunicorn-sync"]["workers"] == str(2 * cpus + 1)
    page = Visit(context).open(f"/reports/{runs['bench']}/report.html")
    expect(page.locator("main")).to_contain_text(f"django GUNICORN_WORKERS={django} GUNICORN_THREADS=")
    expect(page.locator("main")).to_contain_text("was-gunicorn-sync-1 workers=1 GUNICORN_THREADS=1;")
    expect(page.locator("main")).to_contain_text(f"was-gunicorn-sync workers={2 * cpus + 1} GUNICORN_THREADS=1;")


def test_comparison_page_pairs_two_runs_per_workload(context, runs, ssl_context):
    visit = Visit(context)
    page = visit.open(f"/reports/{runs['bench']}/compare-{runs['kept']}.html")
    kept = json.loads((KEPT / "summary.json").read_text())
    workloads = {cell["workload"] for cell in kept["cells"]} | {"static", "hello"}
    # One chart per workload of either run, each with A's and B's bars side by side.
    assert series(page, "svg.bars") == [f"A {runs['kept']},B {runs['bench']}"] * len(workloads)
    expect(page.locator(".verdict")).to_contain_text("cells moved beyond")
    assert page.locator("tr[data-slug='edge-cgi-hello'] td").nth(3).inner_text() != "-"  # in both: a ratio
    assert_sound_and_saved(visit, ssl_context, "report-compare")


def test_capacity_page_charts_connections_held_against_memory(context, runs, ssl_context):
    capacity = json.loads(CAPACITY.read_text())
    visit = Visit(context)
    page = visit.open(f"/reports/conns-{capacity['created']}/report.html")
    kinds = list(dict.fromkeys(run["kind"] for run in capacity["runs"]))
    assert page.locator("section[data-kind]").evaluate_all("s => s.map(n => n.dataset.kind)") == kinds
    assert series(page, "section[data-kind='websocket'] svg.lines") == ["fastapi,nginx (fastapi)"]
    expect(page.locator(".verdict")).to_contain_text("websocket: held most: fastapi 1,000 of 1,000")
    assert_sound_and_saved(visit, ssl_context, "report-capacity")


def test_reports_listing_links_every_run(context, runs, ssl_context):
    visit = Visit(context)
    page = visit.open("/reports/")
    links = page.locator("table a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert f"{runs['bench']}/report.html" in links and f"{runs['bench']}/compare-{runs['kept']}.html" in links
    assert any(link.startswith("conns-") and link.endswith("/report.html") for link in links)
    assert_sound_and_saved(visit, ssl_context, "reports-index")


def test_landing_page_shows_the_capacity_claim_linked_to_its_report(context, runs, ssl_context):
    capacity = json.loads(CAPACITY.read_text())
    visit = Visit(context)
    page = visit.open()
    claim = page.locator("#claims-figures .claims li", has_text="Long-lived connections")
    expect(claim).to_contain_text("1,000 connections")
    assert claim.locator("a").get_attribute("href") == f"/reports/conns-{capacity['created']}/report.html"
    assert_sound_and_saved(visit, ssl_context, "landing-capacity")
