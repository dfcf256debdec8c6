"""The landing page in Chromium, as a new user opens it: the diagram's links, the
"try it" panel's process models, the seed's claims before any benchmark, every
link answering, no console error or failed request, and axe-core's accessibility
rules. The claims after a benchmark are checked beside the tiny `make bench`
(tests/e2e/test_load_testing.py)."""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import BACKENDS, PUBLIC_ORIGIN, compose, container_env, edge_client, goto_idle

REPORTS = Path(os.environ.get("REPORTS_DIR", "reports"))
SCREENSHOTS = REPORTS / "screenshots"  # for people to look at after the run


class Visit:
    """A page that records what a user's console would show: errors, failed
    requests and responses of 400 and above."""

    def __init__(self, context: BrowserContext) -> None:
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def open(self, path: str = "/") -> Page:
        response = goto_idle(self.page, f"{PUBLIC_ORIGIN}{path}")
        assert response and response.status == 200
        self.problems = [line for line in self.problems if "ERR_NETWORK_CHANGED" not in line]  # a retried load's
        return self.page


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def no_benchmark() -> Iterator[None]:
    """The state before the first `make bench` and capacity run: their `latest` links set aside."""
    moved = []
    for name in ("latest", "conns-latest"):
        latest, aside = REPORTS / name, REPORTS / f".{name}.aside"
        if latest.is_symlink():
            latest.replace(aside)
            moved.append((aside, latest))
    yield
    for aside, latest in moved:
        aside.replace(latest)


def landing_links(page: Page) -> list[str]:
    """Every link's target, the diagram's SVG links included (their href is an attribute)."""
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return sorted({urljoin(page.url, href) for href in hrefs})


def assert_every_link_answers(page: Page, ssl_context) -> None:
    """2xx for every link (after redirects), 401 for the password-protected Locust UI."""
    with edge_client(ssl_context, follow_redirects=True) as client:
        for url in landing_links(page):
            status = client.get(url).status_code
            expected = {401} if url.startswith(f"{PUBLIC_ORIGIN}/locust/") else set(range(200, 300))
            assert status in expected, f"{url}: {status}"


def assert_accessible(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def assert_sound_and_saved(visit: Visit, ssl_context, name: str) -> None:
    """Nothing in the console, every link answering, axe-core clean; a screenshot for people to see."""
    assert visit.problems == []
    assert_every_link_answers(visit.page, ssl_context)
    assert_accessible(visit.page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_before_any_benchmark_the_page_says_what_to_run(context, no_benchmark, ssl_context):
    with edge_client(ssl_context) as client:
        for run in ("latest", "conns-latest"):
            assert client.get(f"/reports/{run}/summary.json").status_code == 204  # no run yet, no 404
    visit = Visit(context)
    page = visit.open()
    expect(page.locator("#claims-figures")).to_contain_text("run make bench")
    expect(page.locator("#latest-benchmark")).to_contain_text("run make bench")
    assert_sound_and_saved(visit, ssl_context, "landing-before-bench")


def test_the_diagram_links_every_box_to_its_page(context):
    page = Visit(context).open()
    diagram = page.get_by_role("group", name="Gateway Lab's architecture")
    expect(diagram).to_be_visible()
    hrefs = diagram.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert {f"/{backend}/" for backend in BACKENDS} <= set(hrefs)
    assert {"/locust/", "/reports/"} <= set(hrefs)
    page.locator("svg a[href='/fastapi/']").click()
    expect(page).to_have_url(f"{PUBLIC_ORIGIN}/fastapi/")


def workers(backend: str) -> int:
    """The persistent processes that may answer: the running configuration's worker count."""
    env = container_env(backend)
    return int(env.get("GUNICORN_WORKERS") or env["UVICORN_WORKERS"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_try_it_shows_each_process_model(context, backend):
    visit = Visit(context)
    page = visit.open()
    page.locator("#try-count").select_option("10")
    page.locator(f"tr[data-backend='{backend}'] button").click()
    card = page.locator(f"#try-{backend}")
    expect(card).to_have_attribute("data-requests", "10", timeout=90_000)  # bounded: 20 requests
    items = card.locator(".pids li")
    pids = items.evaluate_all("items => items.map(li => li.dataset.pid)")
    hostnames = items.evaluate_all("items => items.map(li => li.dataset.hostname)")
    assert len(pids) == 10
    assert set(hostnames) == {compose("ps", "-q", backend).stdout.split()[0][:12]}  # one replica, its container id
    distinct = int(card.get_attribute("data-distinct-pids"))
    assert distinct == len(set(pids))
    if backend == "cgi":
        assert distinct == 10  # a new process for every request
    else:
        assert distinct <= workers(backend)  # the same few persistent processes
    expect(card).to_contain_text("median latency")
    assert visit.problems == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=SCREENSHOTS / f"try-{backend}.png")


def check_the_claims_after_a_benchmark(context: BrowserContext, ssl_context) -> None:
    """The landing page once a run is the latest: called by the tiny `make bench`
    test (tests/e2e/test_load_testing.py) right after its run."""
    visit = Visit(context)
    page = visit.open()
    claims = page.locator("#claims-figures .claims li")
    expect(claims.first).to_be_visible()
    source = page.locator("#claims-figures > .source a")  # the benchmark's, not a capacity claim's
    href = source.get_attribute("href")
    assert href and href.endswith("/report.html")
    with edge_client(ssl_context) as client:
        assert client.get(href).status_code == 200
    assert_sound_and_saved(visit, ssl_context, "landing-after-bench")


def test_the_policy_holds_and_nothing_is_fetched_elsewhere(context):
    """Works without the network: every request the page makes goes to the edge."""
    visit = Visit(context)
    requested: list[str] = []
    visit.page.on("request", lambda r: requested.append(r.url))
    visit.open()
    assert requested and all(url.startswith(f"{PUBLIC_ORIGIN}/") for url in requested), requested
