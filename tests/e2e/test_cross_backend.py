"""Every backend and server matrix variant side by side: for what the contract fixes, the same
request gets the same answer (status, Content-Type, Allow, body) under every prefix (docs/contract.md)."""

from datetime import datetime
from typing import NamedTuple

import httpx
import pytest

from tests.conftest import APPS, ROUTES

INTERFACES = {"cgi": "CGI", "django": "WSGI", "fastapi": "ASGI", "wsgi": "WSGI", "asgi": "ASGI", "django-asgi": "ASGI"}
JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
NOT_ALLOWED = {"error": "method not allowed"}
BAD_INPUT = {"error": "<a sentence of its own>"}  # what observe() makes of any 400's {"error": "..."}


class Answer(NamedTuple):
    status: int
    content_type: str | None
    allow: str | None
    body: object


def observe(client: httpx.Client, backend: str, method: str, path: str, content: bytes | None) -> Answer:
    headers = {"Content-Type": "application/json"} if content is not None else {}
    response = client.request(method, f"/{backend}{path}", content=content, headers=headers)
    content_type = response.headers.get("content-type")
    body: object = response.content
    if method != "HEAD" and content_type == JSON:
        body = response.json()
        if response.status_code == 400 and isinstance(body, dict) and isinstance(body.get("error"), str):
            body = {**body, "error": BAD_INPUT["error"]}  # the wording is each backend's
        if path == "/info":  # values that differ by nature (interface, server, hostname, pid); what must agree:
            # (Django's own extra, async_views, is tested in test_contract.test_info_fields.)
            body = {"fields": sorted(set(body) - {"async_views"}), "request": body.get("request")}
    elif method != "HEAD":
        body = response.text.replace(INTERFACES[APPS[backend]], "<interface>")
    return Answer(response.status_code, content_type, response.headers.get("allow"), body)


# id: (method, path, body sent, the contract's answer or None where only sameness is fixed)
PROBES = {
    "GET /json": ("GET", "/json", None, Answer(200, JSON, None, {"message": "Hello, World!"})),
    "GET /hello": ("GET", "/hello", None, Answer(200, TEXT, None, "Hello, <interface> World")),
    "GET /healthz": ("GET", "/healthz", None, Answer(200, JSON, None, {"status": "ok", "database": "ok"})),
    "GET /info": ("GET", "/info", None, None),
    "HEAD /hello": ("HEAD", "/hello", None, Answer(200, TEXT, None, b"")),
    "HEAD /json": ("HEAD", "/json", None, Answer(200, JSON, None, b"")),
    "HEAD /healthz": ("HEAD", "/healthz", None, Answer(200, JSON, None, b"")),
    "HEAD /messages": ("HEAD", "/messages", None, Answer(200, JSON, None, b"")),
    "unknown path": ("GET", "/no-such-endpoint", None, Answer(404, JSON, None, {"error": "not found"})),
    "POST /hello": ("POST", "/hello", None, Answer(405, JSON, "GET, HEAD", NOT_ALLOWED)),
    "PUT /json": ("PUT", "/json", None, Answer(405, JSON, "GET, HEAD", NOT_ALLOWED)),
    "DELETE /messages": ("DELETE", "/messages", None, Answer(405, JSON, "GET, HEAD, POST", NOT_ALLOWED)),
    "bad /io": ("GET", "/io?ms=abc", None, Answer(400, JSON, None, BAD_INPUT)),
    "bad message": ("POST", "/messages", b"[]", Answer(400, JSON, None, BAD_INPUT)),
}


@pytest.mark.parametrize("probe", PROBES)
def test_backends_give_the_same_answer(client, probe):
    method, path, content, contract = PROBES[probe]
    answers = {backend: observe(client, backend, method, path, content) for backend in ROUTES}
    assert all(answer == answers[ROUTES[0]] for answer in answers.values()), answers
    if contract is not None:
        assert answers[ROUTES[0]] == contract


def comparable(row: dict) -> dict:
    """A message row with created_at as an instant, whatever ISO 8601 spelling a backend chose."""
    return {**row, "created_at": datetime.fromisoformat(row["created_at"])}


def test_backends_list_the_same_messages_in_the_same_order(client):
    for backend in ROUTES:
        created = client.post(f"/{backend}/messages", json={"author": "side-by-side", "text": f"via {backend}"})
        assert created.status_code == 201, created.text
    listings = {backend: [comparable(row) for row in client.get(f"/{backend}/messages").json()] for backend in ROUTES}
    assert all(listing == listings["cgi"] for listing in listings.values())
    newest = listings["cgi"][: len(ROUTES)]
    assert [(row["text"], row["via"]) for row in newest] == [(f"via {b}", APPS[b]) for b in reversed(ROUTES)]
    assert all(set(row) == {"id", "author", "text", "via", "created_at"} for row in listings["cgi"])
