"""The edge's hardening (issue 8): one owner per security header, a strict CSP that every
page obeys in Chromium, /edge-healthz for the container only, and the admin login's rate
limit. The body limit is test_body_limit.py; the scanners are scripts/scan-*.sh."""

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Response

from tests.conftest import BACKENDS, PUBLIC_AUTHORITY, PUBLIC_ORIGIN, compose, goto_idle, read_secret

ORIGIN = PUBLIC_ORIGIN
# The edge owns these (nginx/README.md, "Who sets which header").
EDGE_HEADERS = {
    "strict-transport-security": "max-age=63072000",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
# The policies nginx/snippets/security/content-security-policies.conf names.
STRICT_SOURCES = {"script-src": "'self'", "style-src": "'self'", "object-src": "'none'", "frame-ancestors": "'none'"}


def directives(policy: str) -> dict[str, str]:
    return {name: value.strip() for name, _, value in (part.strip().partition(" ") for part in policy.split(";"))}


# --- One owner per header ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",  # a file from disk
        "/static/landing/style.css",  # a location with its own add_header
        "/reports/",
        "/does-not-exist",  # nginx's own error
        *(f"/{backend}/hello" for backend in BACKENDS),  # proxied and FastCGI
        "/django/admin/login/",  # Django's security middleware is on this response
        "/fastapi/docs",
        "/fastapi/io?ms=x",  # an app's JSON error
        "/locust/",  # 401 from auth_basic
    ],
)
def test_each_security_header_once_with_the_edges_value(client, path):
    headers = client.get(path).headers
    for name, value in EDGE_HEADERS.items():
        assert headers.get_list(name) == [value], f"{path}: {name}"
    assert len(headers.get_list("content-security-policy")) == 1, path


@pytest.mark.parametrize("path", ["/", "/reports/", "/django/", "/fastapi/docs", "/cgi/", "/django/admin/login/"])
def test_every_page_but_locusts_gets_the_strict_policy(client, path):
    policy = directives(client.get(path).headers["content-security-policy"])
    for name, sources in STRICT_SOURCES.items():
        assert policy[name] == sources, f"{path}: {name}"
    assert "unsafe" not in json.dumps(policy), path


@pytest.mark.parametrize("path", ["/locust/", "/reports/some-run/cells/a-cell.html"])
def test_only_locusts_pages_allow_inline_code_and_never_eval(client, path):
    policy = directives(client.get(path).headers["content-security-policy"])
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert "'unsafe-eval'" not in json.dumps(policy)
    assert policy["frame-ancestors"] == "'none'"


# --- Content-Security-Policy in a real browser ------------------------------------

# Each violation, as the browser reports it to the page (it also logs a console line).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


class WatchedPage:
    """A page that records every CSP violation: the events in the page, and the console lines."""

    def __init__(self, context: BrowserContext) -> None:
        self.page = context.new_page()
        self.page.add_init_script(RECORD_VIOLATIONS)
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))

    def goto(self, url: str) -> Response | None:
        return goto_idle(self.page, url)

    def violations(self, url: str, status: int = 200) -> list[str]:
        """Load `url` and return the CSP violations it caused."""
        self.console.clear()
        response = self.goto(url)
        assert response and response.status == status, f"{url}: {response and response.status}"
        logged = [line for line in self.console if "Content Security Policy" in line]
        return self.page.evaluate("window.__cspViolations") + logged


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def test_the_policy_is_enforced_and_a_violation_is_seen(context):
    """The control for the tests below: an inline script injected into a strict page is blocked and reported."""
    watched = WatchedPage(context)
    assert watched.violations(f"{ORIGIN}/") == []
    page = watched.page
    page.evaluate(
        "document.head.append(Object.assign(document.createElement('script'), {textContent: 'window.ran = 1'}))"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.ran") is None
    assert page.evaluate("window.__cspViolations")[0].startswith("script-src")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/reports/", 200),
        ("/no-such-page/", 404),  # nginx's own error page
        ("/cgi/", 200),
        ("/django/", 200),
        ("/fastapi/", 200),
        ("/wsgi/", 200),
        ("/asgi/", 200),
        ("/django-asgi/", 200),
        ("/django/admin/login/", 200),
        ("/fastapi/docs", 200),
    ],
)
def test_page_loads_with_zero_csp_violations(context, path, status):
    assert WatchedPage(context).violations(f"{ORIGIN}{path}", status) == []


def test_django_admin_pages_load_with_zero_csp_violations(context):
    watched = WatchedPage(context)
    page = watched.page
    watched.goto(f"{ORIGIN}/django/admin/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", read_secret("/run/secrets/gateway/django_admin_password"))
    page.click("input[type=submit]")
    page.wait_for_url(f"{ORIGIN}/django/admin/")
    # The index, a change list and an add form, found by their links (the app label may change).
    messages = page.get_by_role("link", name="Messages", exact=True).first.get_attribute("href")
    assert messages
    for path in ("/django/admin/", messages, f"{messages}add/"):
        assert watched.violations(f"{ORIGIN}{path}") == [], path


def test_locust_ui_loads_with_zero_violations_of_its_exception(browser: Browser):
    password = read_secret("/var/lib/gateway-secrets/locust_password")
    context = browser.new_context(http_credentials={"username": "locust", "password": password})
    try:
        watched = WatchedPage(context)
        assert watched.violations(f"{ORIGIN}/locust/") == []
        assert watched.page.get_by_role("button", name="Start").is_visible()
    finally:
        context.close()


# --- /edge-healthz -----------------------------------------------------------------


def test_edge_healthz_answers_inside_the_container():
    result = compose("exec", "-T", "nginx", "curl", "-fsS", "http://127.0.0.1/edge-healthz", check=False)
    assert result.returncode == 0, result.stderr


def test_edge_healthz_is_refused_from_the_host(http_url, client):
    response = httpx.get(f"{http_url}/edge-healthz")
    assert response.status_code == 403
    assert response.json() == {"error": "forbidden"}
    assert client.get("/edge-healthz").status_code == 404  # not a route of the HTTPS site


def test_edge_healthz_is_refused_from_another_container():
    probe = (
        "import urllib.request, urllib.error\n"
        "try: print(urllib.request.urlopen('http://nginx/edge-healthz', timeout=5).status)\n"
        "except urllib.error.HTTPError as error: print(error.code)\n"
    )
    result = compose("exec", "-T", "locust", "python", "-c", probe)
    assert result.stdout.strip() == "403"


# --- Admin login rate limit -----------------------------------------------------------

# Run in the Locust container: on the edge network like any client of the site, with an
# address of its own that nothing else logs in from. It names the site (argv[1],
# host:port as a browser sends it) as Locust does.
GUESS_PASSWORDS = """
import json, ssl, sys, time, urllib.error, urllib.request

tls = ssl.create_default_context(cafile="/etc/gateway-tls/ca.crt")


def call(method, path):
    data = b"username=admin&password=guess" if method == "POST" else None
    headers = {"Host": sys.argv[1]}
    request = urllib.request.Request("https://nginx" + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, context=tls, timeout=10) as response:
            return [response.status, None, ""]
    except urllib.error.HTTPError as error:
        return [error.code, error.headers.get("Retry-After"), error.read().decode()]


attempts = []
while len(attempts) < 12 and (not attempts or attempts[-1][0] != 429):
    attempts.append(call("POST", "/django/admin/login/"))
others = [call("GET", path)[0] for path in ("/django/admin/login/", "/django/hello", "/django/db", "/cgi/hello",
                                            "/fastapi/hello", "/static/landing/style.css") * 5]
time.sleep(int(attempts[-1][1] or 0))
after_wait = call("POST", "/django/admin/login/")[0]
json.dump({"attempts": attempts, "others": others, "after_wait": after_wait}, sys.stdout)
"""


# An address's bucket empties at the zone's rate: 6 s per attempt, burst 5 plus 1.
DRAIN_SECONDS = 6 * (5 + 1)


def guess_passwords() -> dict:
    return json.loads(compose("exec", "-T", "locust", "python", "-c", GUESS_PASSWORDS, PUBLIC_AUTHORITY).stdout)


def test_admin_login_attempts_are_limited_per_address_and_nothing_else_is(client):
    result = guess_passwords()
    statuses = [status for status, _, _ in result["attempts"]]
    if statuses != [403] * 6 + [429]:
        # An earlier run of this test against the same stack may have left the bucket
        # partly full: from an empty one the answer must be exact.
        time.sleep(DRAIN_SECONDS)
        result = guess_passwords()
        statuses = [status for status, _, _ in result["attempts"]]
    # One attempt plus a burst of five reach Django (403 here: no CSRF token); the next is refused.
    assert statuses == [403] * 6 + [429], statuses
    _, retry_after, body = result["attempts"][-1]
    assert retry_after == "6"
    assert json.loads(body) == {"error": "too many login attempts, try again in a few seconds"}
    # Throttled for login POSTs only: the login page, the rest of the site and the
    # load-test paths answer that same address.
    assert set(result["others"]) == {200}, result["others"]
    # One attempt comes back after Retry-After: slowed down, not locked out.
    assert result["after_wait"] == 403
    # Per address: this host's own attempt is not refused meanwhile.
    assert client.post("/django/admin/login/", data={"username": "admin", "password": "guess"}).status_code == 403
