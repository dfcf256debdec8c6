"""Locust: headless runs of every user class, the web UI in a browser, workers; `make bench` (wrk, Locust)."""

import json
import os
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import PUBLIC_ORIGIN, compose, edge_client, read_secret
from tests.e2e.test_hardening import WatchedPage
from tests.e2e.test_landing import check_the_claims_after_a_benchmark

# Every rung of the ladder and every server-matrix variant (make test starts the matrix).
PREFIXES = {
    "CgiUser": "/cgi/",
    "DjangoUser": "/django/",
    "FastapiUser": "/fastapi/",
    "WsgiUser": "/wsgi/",
    "AsgiUser": "/asgi/",
    "DjangoAsgiUser": "/django-asgi/",
    "WasGunicornSync1User": "/was/gunicorn-sync-1/",
    "WasGunicornSyncUser": "/was/gunicorn-sync/",
    "WasUvicornWorkerUser": "/was/uvicorn-worker/",
    "WasGranianWsgiUser": "/was/granian-wsgi/",
    "WasGranianAsgiUser": "/was/granian-asgi/",
    "StaticUser": "/static/",
}
USER_CLASSES = (*PREFIXES, "WebSocketUser")
UI = "/locust/"


@pytest.fixture(scope="module")
def locust_auth() -> tuple[str, str]:
    return ("locust", read_secret("/var/lib/gateway-secrets/locust_password"))


def headless_run(*user_classes: str, seconds: int = 10) -> list[dict]:
    """A bounded headless Locust run inside the compose network; Locust's own final statistics."""
    output = compose(
        "run", "--rm", "--no-deps", "-T", "locust",
        "locust", "--headless", "--users", str(2 * len(user_classes)), "--spawn-rate", "10",
        "--run-time", f"{seconds}s", "--stop-timeout", "5", "--json", "--only-summary", *user_classes,
    )  # fmt: skip
    return json.loads(output.stdout)


def test_every_user_class_runs_with_zero_failures():
    stats = headless_run(*USER_CLASSES)
    assert stats, "Locust reported no requests"
    failures = {f"{row['method']} {row['name']}": row["num_failures"] for row in stats if row["num_failures"]}
    assert not failures
    names = [row["name"] for row in stats]
    for user_class, prefix in PREFIXES.items():
        assert any(name.startswith(prefix) for name in names), f"{user_class} made no request"
    assert any(row["method"] == "WS" and row["num_requests"] > 0 for row in stats), "WebSocketUser exchanged nothing"
    assert sum(row["num_requests"] for row in stats) > 50


def test_ui_needs_the_password(ssl_context, locust_auth):
    with edge_client(ssl_context) as client:
        assert client.get(UI).status_code == 401
        assert client.get(UI, auth=("locust", "wrong")).status_code == 401
        assert client.get(UI, auth=locust_auth).status_code == 200


def ui_state(ssl_context: ssl.SSLContext, auth: tuple[str, str]) -> dict:
    with edge_client(ssl_context, auth=auth) as client:
        return client.get(f"{UI}stats/requests").json()


def test_landing_page_renders_in_a_browser(browser: Browser, tmp_path):
    page = browser.new_page()
    page.goto(f"{PUBLIC_ORIGIN}/")
    expect(page.get_by_role("heading", name="Gateway Lab")).to_be_visible()
    for name in ("/cgi/", "/django/", "/fastapi/", "Locust web UI"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    page.get_by_role("link", name="/fastapi/", exact=True).click()
    expect(page).to_have_url(f"{PUBLIC_ORIGIN}/fastapi/")
    page.screenshot(path=tmp_path / "landing.png")


def open_the_start_form(page: Page) -> None:
    """Load the UI until its start form shows (from a stopped swarm too), loading it twice at most: Chromium aborts
    requests in flight when the host's network interfaces change (Docker adds one for
    every container started on the host), and the UI then never renders its form."""
    for attempt in range(2):
        page.goto(f"{PUBLIC_ORIGIN}{UI}")
        try:
            # After an earlier swarm, the UI shows its statistics and a "New" button.
            page.locator("input[name=userCount]").or_(page.get_by_role("button", name="New")).wait_for(timeout=15_000)
            if page.get_by_role("button", name="New").is_visible():
                page.get_by_role("button", name="New").click()
            page.locator("input[name=userCount]").wait_for(timeout=15_000)
            return
        except PlaywrightTimeoutError:
            if attempt:
                raise


def first_request_name(ssl_context: ssl.SSLContext, auth: tuple[str, str], seconds: float = 20) -> str:
    """The name of a request the running swarm has made, as soon as there is one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = [row for row in ui_state(ssl_context, auth)["stats"] if row["name"] != "Aggregated"]
        made = [row["name"] for row in rows if row["num_requests"] > 0]
        if made:
            return made[0]
        time.sleep(0.5)
    pytest.fail(f"the swarm made no request in {seconds:.0f} s")


def start_the_swarm(page: Page) -> dict:
    """Click Start and return Locust's answer to the form's POST /swarm, so that a
    refusal shows its reason. In one CI run the status stayed "ready" after the
    click: a click that sent no POST (a page not ready for it) is repeated once."""

    def click() -> dict:
        with page.expect_response(
            lambda response: response.request.method == "POST" and response.url.endswith("/swarm"), timeout=10_000
        ) as answer:
            page.get_by_role("button", name="Start").click()
        return answer.value.json()

    try:
        return click()
    except PlaywrightTimeoutError:
        return click()


def the_masters_view(ssl_context: ssl.SSLContext, auth: tuple[str, str]) -> str:
    """What the Locust master says of its swarm and workers, and its last log lines: for a
    failure message. One CI run had POST /swarm answer success and the state stay "ready"."""
    state = ui_state(ssl_context, auth)
    summary = {key: state.get(key) for key in ("state", "user_count", "worker_count", "workers")}
    return f"master: {summary}\nits log:\n{compose('logs', '--no-color', '--tail', '30', 'locust', check=False).stdout}"


def test_ui_starts_a_swarm_fills_statistics_and_stops(browser: Browser, ssl_context, locust_auth):
    context = browser.new_context(http_credentials={"username": locust_auth[0], "password": locust_auth[1]})
    page = context.new_page()
    try:
        open_the_start_form(page)
        page.locator("input[name=userCount]").fill("3")
        page.locator("input[name=spawnRate]").fill("3")
        started = start_the_swarm(page)
        assert started.get("success") is True, started
        try:
            expect(page.get_by_text("RUNNING").first).to_be_visible(timeout=20_000)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{the_masters_view(ssl_context, locust_auth)}") from None
        # The statistics table fills with the requests this swarm makes (3 users
        # go to 3 of the many user classes, whichever Locust picks).
        name = first_request_name(ssl_context, locust_auth)
        expect(page.get_by_role("cell", name=name, exact=True).first).to_be_visible(timeout=20_000)
        page.get_by_role("button", name="Stop").click()
        expect(page.get_by_text("STOPPED").first).to_be_visible(timeout=20_000)
        assert ui_state(ssl_context, locust_auth)["state"] == "stopped"
    finally:
        # Locust's /stop takes a POST (a GET is 405): a swarm left running would
        # hide the start form from the next test.
        with edge_client(ssl_context, auth=locust_auth) as client:
            client.post(f"{UI}stop").raise_for_status()
        context.close()


def tiny_bench(reports: Path, *arguments: str) -> dict:
    """A bounded `make bench` against the running stack; the summary of its run."""
    subprocess.run(
        [sys.executable, "-m", "bench", "--duration", "3", "--reports-dir", str(reports), *arguments],
        check=True, timeout=300,
    )  # fmt: skip
    return json.loads(((reports / "latest").resolve() / "summary.json").read_text())


def test_bench_with_locust_keeps_locusts_own_report(browser: Browser):
    reports = Path(os.environ.get("REPORTS_DIR", "reports"))
    summary = tiny_bench(reports, "--generator", "locust", "--workloads", "static", "--routes", "edge", "--users", "2")
    [cell] = summary["cells"]
    assert summary["load"]["generator"] == "locust" and cell["generator"]["name"] == "locust"
    assert cell["stats"]["requests"] > 0 and cell["stats"]["failures"] == 0, cell.get("failure_reasons")
    assert cell["generator"]["cpu_mean"] is not None, "the Locust container's CPU was not sampled"
    # Locust's own report works under the edge's CSP.
    context = browser.new_context()
    watched = WatchedPage(context)
    assert watched.violations(f"{PUBLIC_ORIGIN}/reports/latest/{cell['files']['html']}") == []
    context.close()


def test_bench_writes_every_report_file_and_the_report_renders(browser: Browser, ssl_context):
    reports = Path(os.environ.get("REPORTS_DIR", "reports"))
    summary = tiny_bench(
        reports, "--backends", "django", "--workloads", "hello,static,calibration", "--routes", "edge,direct"
    )
    run = (reports / "latest").resolve()
    for name in ("summary.json", "summary.md", "report.html"):
        assert (run / name).stat().st_size > 0, name
    workers = compose("exec", "-T", "django", "printenv", "GUNICORN_WORKERS").stdout.strip()
    assert summary["provenance"]["settings"]["django"]["GUNICORN_WORKERS"] == workers  # read from the container
    assert summary["load"]["generator"] == "wrk"  # the default
    cells = {cell["slug"]: cell for cell in summary["cells"]}
    assert list(cells) == ["edge-nginx-calibration", "edge-nginx-static", "edge-django-hello", "direct-django-hello"]
    for slug, cell in cells.items():
        assert cell["stats"]["requests"] > 0, slug
        assert cell["stats"]["failures"] == 0, (slug, cell.get("failure_reasons"))
        assert cell["resources"], f"no CPU/memory samples for {slug}"
        # The generator's own CPU, from its container: the flag's input.
        generator = cell["generator"]
        assert generator["name"] == "wrk" and generator["share_of_cores"] is not None, slug
        assert generator["saturated"] == (generator["share_of_cores"] > 0.8), slug
        for path in cell["files"].values():
            assert (run / path).stat().st_size > 0, path
    # CPU seconds per 1,000 requests of each hop, from the same samples.
    assert {"nginx", "django"} <= set(cells["edge-django-hello"]["cpu_seconds_per_1000_requests"])
    assert "django" in cells["direct-django-hello"]["cpu_seconds_per_1000_requests"]
    calibration = summary["calibration"]
    # nginx's return 200 calibrates the run: the most the generator got, scaled to its cores.
    assert calibration["slug"] == "edge-nginx-calibration" and calibration["generator"] == "wrk"
    assert calibration["generator_capacity_rps"] >= cells["edge-nginx-calibration"]["stats"]["requests_per_second"]
    assert cells["edge-django-hello"]["vs_generator_capacity"] < 1
    page = browser.new_page()
    page.goto(f"{PUBLIC_ORIGIN}/reports/latest/report.html")
    charts = page.locator("svg.bars")
    assert charts.count() == 3  # one per workload: calibration, static, hello (tests/e2e/test_report.py: the rest)
    box = charts.first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    expect(page.get_by_role("columnheader", name="CPU seconds per 1,000 requests").first).to_be_visible()
    # The report works under the edge's CSP.
    context = browser.new_context()
    watched = WatchedPage(context)
    assert watched.violations(f"{PUBLIC_ORIGIN}/reports/latest/report.html") == []
    context.close()
    # The landing page shows the newest run, its claims and its figures.
    page.goto(f"{PUBLIC_ORIGIN}/")
    latest = page.locator("#latest-benchmark")
    expect(latest.get_by_role("cell", name="direct-django-hello", exact=True)).to_be_visible()
    expect(latest.get_by_text("wrk, 20 connections")).to_be_visible()
    expect(latest.get_by_role("link", name="The report: a chart per workload, CPU per request")).to_be_visible()
    context = browser.new_context()
    check_the_claims_after_a_benchmark(context, ssl_context)
    context.close()


def test_bench_records_cgis_cost_per_request_phase_by_phase():
    """A CGI cell reads the Server-Timing of every response: the mean per phase, in summary.json."""
    reports = Path(os.environ.get("REPORTS_DIR", "reports"))
    summary = tiny_bench(reports, "--backends", "cgi", "--workloads", "db", "--routes", "edge", "--users", "2")
    [cell] = summary["cells"]
    assert cell["stats"]["requests"] > 0 and cell["stats"]["failures"] == 0, cell.get("failure_reasons")
    timing = cell["server_timing"]
    assert list(timing["mean_ms"]) == ["start", "import", "connect", "query", "response"]
    assert timing["responses"] == cell["stats"]["requests"]
    # Measured in the process, so within what the client waited for the answer.
    assert 0 < timing["sum_mean_ms"] < cell["stats"]["average_ms"]
    assert summary["server_timing"] and summary["server_timing"][0].startswith("edge-cgi-db: start ")


# Last in this module: a new worker container adds a network interface on the
# host, and Chromium aborts page loads and polls in flight when interfaces
# change (ERR_NETWORK_CHANGED), which would break the browser tests above.
def test_workers_scale_and_the_master_sees_them(ssl_context, locust_auth):
    try:
        compose("up", "-d", "--wait", "--no-recreate", "--scale", "locust-worker=2", "locust-worker")
        deadline = time.monotonic() + 30
        while ui_state(ssl_context, locust_auth)["worker_count"] != 2 and time.monotonic() < deadline:
            time.sleep(1)
        assert ui_state(ssl_context, locust_auth)["worker_count"] == 2
    finally:
        compose("up", "-d", "--wait", "--no-recreate", "--scale", "locust-worker=1", "locust-worker")
