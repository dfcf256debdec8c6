"""The endpoint contract, row by row, on every backend through the edge.

The same request under every backend's prefix (/cgi/, /django/, /fastapi/...)
and every server matrix variant's (/was/<variant>/) must do the same work and
answer the same way: that is what makes the comparisons honest.
"""

import html
import re
import socket
import uuid

import httpx
import pytest

from tests.conftest import APPS, PUBLIC_AUTHORITY, ROUTES, compose, edge_client, inspect_container

ADDED_FORTUNE = "Additional fortune added at request time."


def query(sql: str) -> list[str]:
    """Rows of a query, read from PostgreSQL itself, not through an API."""
    psql = ("exec", "-T", "db", "psql", "-U", "gateway", "-d", "gateway", "-tAc", sql)
    return compose(*psql).stdout.split()


def message_count() -> int:
    return int(query("SELECT count(*) FROM message")[0])


def assert_world_row(row: object) -> None:
    assert isinstance(row, dict)
    assert set(row) == {"id", "randomNumber"}
    assert 1 <= row["id"] <= 10_000
    assert 1 <= row["randomNumber"] <= 10_000


def assert_json_error(response: httpx.Response, status: int = 400) -> None:
    """The contract's error: this status, body exactly {"error": "<one human sentence>"}."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"], body
    assert isinstance(body["error"], str) and body["error"].strip(), body


@pytest.fixture(params=ROUTES)
def backend(request) -> str:
    return request.param


def test_index_page_describes_the_backend_and_links_under_its_prefix(client, backend):
    response = client.get(f"/{backend}/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f'href="/{backend}/hello"' in response.text
    assert str(client.get(f"/{backend}/info").json()["interface"]) in response.text


def test_json(client, backend):
    response = client.get(f"/{backend}/json")
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"message": "Hello, World!"}


def test_db_returns_one_random_world_row(client, backend):
    rows = [client.get(f"/{backend}/db").json() for _ in range(8)]
    for row in rows:
        assert_world_row(row)
    assert len({row["id"] for row in rows}) > 1  # random ids, not one cached row


@pytest.mark.parametrize(
    ("query", "expected"),
    [("queries=20", 20), ("", 1), ("queries=abc", 1), ("queries=0", 1), ("queries=-5", 1), ("queries=501", 500)],
)
def test_queries_count_is_parsed_and_clamped(client, backend, query, expected):
    response = client.get(f"/{backend}/queries?{query}")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == expected
    for row in rows:
        assert_world_row(row)


def test_fortunes_adds_one_sorts_by_message_and_escapes(client, backend):
    response = client.get(f"/{backend}/fortunes")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    cells = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td>(.*?)</td>\s*</tr>", response.text, flags=re.DOTALL)
    messages = [html.unescape(message) for _, message in cells]
    assert len(messages) == 13
    assert ADDED_FORTUNE in messages
    assert messages == sorted(messages)
    assert "<script>alert(&quot;This should not be displayed in a browser alert box.&quot;);</script>" not in (
        response.text
    )
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize("ms", [0, 50])
def test_io_waits_and_reports_it(client, backend, ms):
    response = client.get(f"/{backend}/io?ms={ms}")
    assert response.status_code == 200
    assert response.json() == {"waited_ms": ms}
    assert response.elapsed.total_seconds() >= ms / 1000


@pytest.mark.parametrize("query", ["ms=-1", "ms=10001", "ms=abc", "ms=1.5", "ms="])
def test_io_rejects_out_of_range_or_non_integer(client, backend, query):
    assert_json_error(client.get(f"/{backend}/io?{query}"))


# Django alone says which rows are `async def` views: none under WSGI (its
# variants included), the I/O rows under ASGI.
ASYNC_VIEWS = {"django": [], "django-asgi": ["/db", "/events/messages", "/io", "/messages", "/poll", "/queries"]}


def test_info_fields(client, backend):
    info = client.get(f"/{backend}/info").json()
    app = APPS[backend]
    extra = {"async_views"} if app in ASYNC_VIEWS else set()
    assert set(info) == {"interface", "server", "framework", "hostname", "pid", "python", "request"} | extra
    assert set(info["request"]) == {"client", "scheme", "host"}
    if app in ASYNC_VIEWS:
        assert info["async_views"] == ASYNC_VIEWS[app]


def test_message_posted_via_one_backend_is_read_back_via_all(client, backend):
    author, text = f"e2e-{backend}", f"hello from {backend} {uuid.uuid4()}"
    created = client.post(f"/{backend}/messages", json={"author": author, "text": text})
    assert created.status_code == 201, created.text
    row = created.json()
    assert (row["author"], row["text"], row["via"]) == (author, text, APPS[backend])
    for reader in ROUTES:
        listed = client.get(f"/{reader}/messages").json()
        assert isinstance(listed, list) and len(listed) <= 50
        assert listed[0]["text"] == text, reader  # newest first
        ids = [item["id"] for item in listed]
        assert ids == sorted(ids, reverse=True)


@pytest.fixture(scope="module")
def more_than_fifty_messages(ssl_context) -> None:
    with edge_client(ssl_context) as client:
        for number in range(max(0, 51 - message_count())):
            created = client.post("/fastapi/messages", json={"author": "e2e-cap", "text": f"filler {number}"})
            assert created.status_code == 201, created.text


@pytest.mark.usefixtures("more_than_fifty_messages")
def test_messages_lists_exactly_the_latest_50_newest_first(client, backend):
    listed = client.get(f"/{backend}/messages").json()
    latest = [int(row_id) for row_id in query("SELECT id FROM message ORDER BY id DESC LIMIT 50")]
    assert len(latest) == 50
    assert [row["id"] for row in listed] == latest


def test_message_accepts_the_longest_valid_fields(client, backend):
    created = client.post(f"/{backend}/messages", json={"author": "é" * 80, "text": "ß" * 2000})
    assert created.status_code == 201, created.text
    assert created.json()["text"] == "ß" * 2000


BAD_MESSAGES = {
    "malformed json": ("{not json", "application/json"),
    "json array": ("[]", "application/json"),
    "json string": ('"hi"', "application/json"),
    "missing text": ('{"author": "a"}', "application/json"),
    "missing author": ('{"text": "t"}', "application/json"),
    "empty author": ('{"author": "", "text": "t"}', "application/json"),
    "author too long": ('{"author": "' + "a" * 81 + '", "text": "t"}', "application/json"),
    "text too long": ('{"author": "a", "text": "' + "t" * 2001 + '"}', "application/json"),
    "author not a string": ('{"author": 5, "text": "t"}', "application/json"),
    "text not a string": ('{"author": "a", "text": ["t"]}', "application/json"),
    "null text": ('{"author": "a", "text": null}', "application/json"),
    "form content type": ("author=a&text=t", "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("case", BAD_MESSAGES, ids=list(BAD_MESSAGES))
def test_bad_message_is_rejected_and_writes_nothing(client, backend, case):
    body, content_type = BAD_MESSAGES[case]
    before = message_count()
    response = client.post(f"/{backend}/messages", content=body, headers={"Content-Type": content_type})
    assert_json_error(response)
    assert message_count() == before


def test_unknown_path_is_a_json_404(client, backend):
    response = client.get(f"/{backend}/no-such-endpoint")
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("DELETE", "messages", "GET, HEAD, POST"), ("POST", "hello", "GET, HEAD"), ("PUT", "json", "GET, HEAD")],
)
def test_wrong_method_is_405_with_allow(client, backend, method, path, allow):
    response = client.request(method, f"/{backend}/{path}")
    assert response.status_code == 405
    assert response.json() == {"error": "method not allowed"}
    assert response.headers["allow"] == allow


def address_the_edge_sees() -> str:
    """This host's address on the route to nginx: the source of the connections Docker makes
    to nginx for the published port, so the client address nginx logs and forwards."""
    networks = inspect_container("nginx")["NetworkSettings"]["Networks"]
    (edge,) = (settings for name, settings in networks.items() if name.endswith("_edge"))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect((edge["IPAddress"], 9))  # sends nothing: only picks the route
        return probe.getsockname()[0]


def test_spoofed_forwarding_headers_are_overwritten_by_the_edge(client, backend):
    spoofed = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Proto": "http",
        "X-Forwarded-Host": "evil.example",
        "X-Real-IP": "203.0.113.9",
        "Forwarded": "for=203.0.113.9;proto=http;host=evil.example",
    }
    honest = client.get(f"/{backend}/info").json()["request"]
    seen = client.get(f"/{backend}/info", headers=spoofed).json()["request"]
    assert seen == honest
    assert seen == {"client": address_the_edge_sees(), "scheme": "https", "host": PUBLIC_AUTHORITY}
