"""The locustfile: its classes and tags, and real runs of every class."""

import json
import socket
import subprocess
import sys
import time
import urllib.request

from scenarios import checks

from tests.conftest import LOADTEST_DIR, LOCUST
from tests.contract_server import running_contract_server

CONTRACT_TAGS = {
    "hello",
    "json",
    "db",
    "queries",
    "fortunes",
    "io",
    "info",
    "messages",
    "post_messages",
    "healthz",
}
# Each backend class and the prefix every one of its requests must start with.
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
}
VARIANT_CLASSES = [name for name, prefix in PREFIXES.items() if prefix.startswith("/was/")]
EXPECTED_TAGS = {
    **{name: CONTRACT_TAGS for name in PREFIXES},
    "CgiUser": CONTRACT_TAGS | {"floor", "db_unpooled"},  # /cgi/floor: CGI's bare process cost; /cgi/direct/db
    "StaticUser": {"static", "calibration"},
    "WebSocketUser": {"ws_echo_fastapi", "ws_echo_asgi", "ws_echo_django_asgi"},
    "LongPollUser": {"poll_cgi", "poll_django", "poll_fastapi", "poll_wsgi", "poll_asgi", "poll_django_asgi"},
    "MessageStreamUser": {"sse_fastapi", "sse_asgi", "sse_django_asgi"},
    "MessageFeedUser": {"feed_fastapi", "feed_asgi", "feed_django_asgi"},
}
MATRIX_HINT = "start the server matrix, `make up MATRIX=1`"
# Imported in a child interpreter: importing Locust monkey-patches with gevent.
INTROSPECT = """
import json, locustfile
print(json.dumps({
    name: {task.__name__: sorted(task.locust_tag_set) for task in getattr(locustfile, name).tasks}
    for name in locustfile.__all__
}))
"""


def test_each_user_class_has_one_task_per_endpoint_tagged_by_endpoint(locust_available: None) -> None:
    output = subprocess.run(
        [sys.executable, "-c", INTROSPECT], cwd=LOADTEST_DIR, capture_output=True, text=True, check=True
    ).stdout
    classes = json.loads(output)
    assert set(classes) == set(EXPECTED_TAGS)
    for name, tasks in classes.items():
        assert all(len(tags) == 1 for tags in tasks.values()), tasks
        assert {tags[0] for tags in tasks.values()} == EXPECTED_TAGS[name], name


def locust_run(host: str, *arguments: str, users: int, seconds: int) -> list[dict]:
    """A bounded headless run; Locust's final statistics."""
    run = subprocess.run(
        [
            *LOCUST,
            "--headless",
            "--only-summary",
            f"--users={users}",
            f"--spawn-rate={users}",
            f"--run-time={seconds}s",
            f"--host={host}",
            "--json",  # the final statistics on stdout
            *arguments,
        ],
        cwd=LOADTEST_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Exit code 1: a request failed, which the statistics show.
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr[-2000:]
    return json.loads(run.stdout)


def failures_of(stats: list[dict]) -> dict[str, int]:
    return {f"{row['method']} {row['name']}": row["num_failures"] for row in stats if row["num_failures"]}


def test_every_user_class_runs_without_failures(contract_server: str, locust_available: None) -> None:
    # One user per class at least: Locust gives a class none when users are fewer than classes.
    stats = locust_run(contract_server, *EXPECTED_TAGS, users=len(EXPECTED_TAGS), seconds=3)
    assert sum(row["num_requests"] for row in stats) > 0
    assert not failures_of(stats)


# Each task of each class once, in a child interpreter (importing Locust
# monkey-patches with gevent), against the host in argv[1]: per class, what each
# request reported, and whether a task stopped the user. No runner, so every
# request is attributed to its class, and one interpreter serves all classes.
EACH_TASK_ONCE = """
import json, sys
from locust.env import Environment
from locust.exception import StopUser
import locustfile

host, names = sys.argv[1], sys.argv[2:]
report = {}
for name in names:
    user_class = getattr(locustfile, name)
    user_class.host = host
    environment = Environment(user_classes=[user_class])
    requests = []
    environment.events.request.add_listener(
        lambda request_type, name, exception, **_: requests.append([request_type, name, exception and str(exception)])
    )
    user, stopped = user_class(environment), False
    for task in user_class.tasks:
        try:
            task(user)
        except StopUser:
            stopped = True
            break
    report[name] = {"requests": requests, "stopped": stopped}
print(json.dumps(report))
"""


def each_task_once(host: str, *user_classes: str) -> dict[str, dict]:
    run = subprocess.run(
        [sys.executable, "-c", EACH_TASK_ONCE, host, *user_classes],
        cwd=LOADTEST_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def test_each_backend_class_sends_every_task_under_its_own_prefix_and_passes_its_checks(
    contract_server: str, locust_available: None
) -> None:
    report = each_task_once(contract_server, *PREFIXES)
    for user_class, prefix in PREFIXES.items():
        requests = report[user_class]["requests"]
        assert len(requests) == len(EXPECTED_TAGS[user_class]) and not report[user_class]["stopped"], user_class
        assert all(name.startswith(prefix) for _, name, _ in requests), (user_class, requests)
        assert not [error for _, _, error in requests if error], (user_class, requests)


def test_without_the_matrix_a_variant_class_fails_once_saying_to_start_it(locust_available: None) -> None:
    with running_contract_server(matrix=False) as edge_without_matrix:
        through_the_edge = each_task_once(edge_without_matrix, "DjangoUser", *VARIANT_CLASSES)
    straight_at_nobody = each_task_once(f"http://127.0.0.1:{_free_port()}", *VARIANT_CLASSES)
    # The class beside them is untouched.
    assert not [error for _, _, error in through_the_edge["DjangoUser"]["requests"] if error]
    for report, answer in ((through_the_edge, "HTTP 502 from the edge"), (straight_at_nobody, "no connection: ")):
        for user_class in VARIANT_CLASSES:
            service = PREFIXES[user_class].strip("/").replace("/", "-")
            [(_, name, error)] = report[user_class]["requests"]  # the first request, then the user stops
            assert report[user_class]["stopped"] and name.startswith(PREFIXES[user_class])
            assert error.startswith(f"{service} is not running ({answer}") and error.endswith(MATRIX_HINT), error


def test_a_slow_variant_is_an_ordinary_failure_not_a_missing_matrix(locust_available: None) -> None:
    # The edge's 504 (a running variant too slow) is not its 502 (not running).
    with running_contract_server(matrix=False, status_without_matrix=504) as edge_with_a_slow_matrix:
        report = each_task_once(edge_with_a_slow_matrix, *VARIANT_CLASSES)
    for user_class in VARIANT_CLASSES:
        requests = report[user_class]["requests"]
        assert not report[user_class]["stopped"] and len(requests) == len(CONTRACT_TAGS)
        assert all(error.startswith("status 504") for _, _, error in requests), requests


def test_without_the_matrix_its_users_stop_and_the_others_run_on(locust_available: None) -> None:
    classes = ["DjangoUser", *VARIANT_CLASSES]
    users_per_class = 2
    with running_contract_server(matrix=False) as url:
        stats = locust_run(url, *classes, users=users_per_class * len(classes), seconds=3)
    django = [row for row in stats if row["name"].startswith("/django/")]
    assert sum(row["num_requests"] for row in django) > len(CONTRACT_TAGS) and not failures_of(django)
    # One failure per variant user, then it stops: nothing hammers the edge with 502s.
    variants = [row for row in stats if row["name"].startswith("/was/")]
    assert sum(row["num_requests"] for row in variants) == users_per_class * len(VARIANT_CLASSES)
    assert all(row["num_failures"] == row["num_requests"] for row in variants)


def test_the_plain_asgi_backend_is_selectable_in_each_long_lived_scenario(
    contract_server: str, locust_available: None
) -> None:
    tags = ["ws_echo_asgi", "poll_asgi", "sse_asgi", "feed_asgi"]
    classes = ["WebSocketUser", "LongPollUser", "MessageStreamUser", "MessageFeedUser"]
    stats = locust_run(contract_server, *classes, "--tags", *tags, users=len(classes), seconds=3)
    counts = {(row["method"], row["name"]): row["num_requests"] for row in stats}
    assert all(name.startswith("/asgi/") for _, name in counts), counts
    # The echo's round trips, the polls' and the feeds' delivered messages.
    for kind in ("WS", "DELIVERY", "SSE", "WSFEED"):
        assert any(method == kind and count for (method, _), count in counts.items()), kind
    assert not failures_of(stats)


class FakeResponse:
    def __init__(self, status: int, text: str, content_type: str = "application/json") -> None:
        self.status_code = status
        self.text = text
        self.headers = {"Content-Type": content_type}


def test_checks_reject_what_breaks_the_contract() -> None:
    hello = checks.plain_text("Hello, WSGI World")
    assert hello(FakeResponse(200, "Hello, WSGI World", "text/plain; charset=utf-8")) is None
    assert hello(FakeResponse(200, "Hello, ASGI World", "text/plain")) is not None
    assert hello(FakeResponse(500, "Hello, WSGI World", "text/plain")) is not None
    assert checks.world_row(FakeResponse(200, '{"id": 10001, "randomNumber": 1}')) is not None
    assert checks.world_rows(2)(FakeResponse(200, '[{"id": 1, "randomNumber": 2}]')) is not None
    page = "<table><tr><td>Additional fortune added at request time.</td></tr><script></table>"
    assert checks.fortunes_page(FakeResponse(200, page, "text/html")) == "a fortune message is not HTML-escaped"
    stored = checks.stored_message("a", "b", via="cgi")
    assert stored(FakeResponse(201, '{"author": "a", "text": "b", "via": "django"}')) is not None
    assert checks.json_equal({"waited_ms": 100})(FakeResponse(200, "not json")) is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_web_ui_with_class_picker_lists_every_class(locust_available: None) -> None:
    port = _free_port()
    command = [*LOCUST, "--class-picker", "--web-base-path=/locust", "--web-host=127.0.0.1", f"--web-port={port}"]
    master = subprocess.Popen(command, cwd=LOADTEST_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/locust/", timeout=2) as response:
                    page = response.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline and master.poll() is None, "the web UI did not answer"
                time.sleep(0.3)
    finally:
        master.terminate()
        _, errors = master.communicate(timeout=20)
    assert "Traceback" not in errors.decode()
    for name in EXPECTED_TAGS:
        assert name in page
