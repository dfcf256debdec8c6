"""The locustfile: its classes and tags, and a real run of every class."""

import json
import socket
import subprocess
import sys
import time
import urllib.request

from scenarios import checks

from tests.conftest import LOADTEST_DIR, LOCUST

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
EXPECTED_TAGS = {
    "CgiUser": CONTRACT_TAGS | {"floor", "db_unpooled"},  # /cgi/floor: CGI's bare process cost; /cgi/direct/db
    "DjangoUser": CONTRACT_TAGS,
    "FastapiUser": CONTRACT_TAGS,
    "DjangoAsgiUser": CONTRACT_TAGS,
    "StaticUser": {"static", "calibration"},
    "WebSocketUser": {"ws_echo"},
    "LongPollUser": {"poll_cgi", "poll_django", "poll_fastapi", "poll_wsgi", "poll_asgi", "poll_django_asgi"},
    "MessageStreamUser": {"sse_fastapi", "sse_asgi", "sse_django_asgi"},
    "MessageFeedUser": {"feed_fastapi", "feed_asgi", "feed_django_asgi"},
}
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


def test_every_user_class_runs_without_failures(contract_server: str, locust_available: None) -> None:
    run = subprocess.run(
        [
            *LOCUST,
            "--headless",
            "--only-summary",
            "--users=10",
            "--spawn-rate=10",
            "--run-time=3s",
            f"--host={contract_server}",
            "--json",  # the final statistics on stdout
            *EXPECTED_TAGS,
        ],
        cwd=LOADTEST_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    stats = json.loads(run.stdout)
    assert sum(row["num_requests"] for row in stats) > 0
    assert not {f"{row['method']} {row['name']}": row["num_failures"] for row in stats if row["num_failures"]}


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
