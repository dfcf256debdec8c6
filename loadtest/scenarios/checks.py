"""Response checks for the endpoint contract (docs/contract.md).

Each check takes a response and returns ``None`` when it honours the contract,
or a short reason that Locust records as the failure. A wrong body counts as a
failure even with a 200, so throughput is never reported for broken answers.
"""

import json
from collections.abc import Callable
from typing import Any, Protocol


class Response(Protocol):
    """What the checks need from Locust's HTTP responses (both clients)."""

    status_code: int
    headers: Any  # a case-insensitive mapping with .get()

    @property
    def text(self) -> str | None: ...


Check = Callable[[Response], str | None]

WORLD_ROWS = 10_000
MESSAGES_PAGE = 50
ADDED_FORTUNE = "Additional fortune added at request time."
# TechEmpower fortune 11: present unescaped only if the page forgot to escape.
UNESCAPED_SCRIPT = "<script>"


def _status(response: Response, expected: int) -> str | None:
    if response.status_code != expected:
        return f"status {response.status_code}, expected {expected}"
    return None


def _content_type(response: Response, expected: str) -> str | None:
    content_type = response.headers.get("Content-Type") or ""
    if not content_type.startswith(expected):
        return f"content type {content_type!r}, expected {expected}"
    return None


def _json_document(response: Response, status: int = 200) -> tuple[Any, str | None]:
    """The parsed JSON body of a response with this status, or why there is none."""
    problem = _status(response, status)
    if problem:
        return None, problem
    try:
        return json.loads(response.text or ""), None
    except ValueError:
        return None, f"body is not JSON: {(response.text or '')[:80]!r}"


def _is_world_row(row: object) -> bool:
    return (
        isinstance(row, dict)
        and set(row) == {"id", "randomNumber"}
        and isinstance(row["id"], int)
        and 1 <= row["id"] <= WORLD_ROWS
        and isinstance(row["randomNumber"], int)
    )


def ok(response: Response) -> str | None:
    """Any 200 (health checks, static files)."""
    return _status(response, 200)


def plain_text(expected: str) -> Check:
    """`/hello`: exactly this text, as text/plain."""

    def check(response: Response) -> str | None:
        problem = _status(response, 200) or _content_type(response, "text/plain")
        if problem:
            return problem
        if response.text != expected:
            return f"body {(response.text or '')[:80]!r}, expected {expected!r}"
        return None

    return check


def json_equal(expected: object, status: int = 200) -> Check:
    """`/json`, `/io`: this exact JSON document."""

    def check(response: Response) -> str | None:
        body, problem = _json_document(response, status)
        if problem:
            return problem
        if body != expected:
            return f"JSON {body!r}, expected {expected!r}"
        return None

    return check


def world_row(response: Response) -> str | None:
    """`/db`: one row of `world`."""
    body, problem = _json_document(response)
    if problem:
        return problem
    return None if _is_world_row(body) else f"not a world row: {body!r:.80}"


def world_rows(count: int) -> Check:
    """`/queries?queries=N`: a list of N rows of `world`."""

    def check(response: Response) -> str | None:
        body, problem = _json_document(response)
        if problem:
            return problem
        if not isinstance(body, list) or len(body) != count:
            return f"expected a list of {count} rows: {body!r:.80}"
        if not all(_is_world_row(row) for row in body):
            return f"not all world rows: {body!r:.80}"
        return None

    return check


def fortunes_page(response: Response) -> str | None:
    """`/fortunes`: HTML with the added fortune, every message escaped."""
    problem = _status(response, 200) or _content_type(response, "text/html")
    if problem:
        return problem
    text = response.text or ""
    if ADDED_FORTUNE not in text:
        return "the fortune added at request time is missing"
    if UNESCAPED_SCRIPT in text:
        return "a fortune message is not HTML-escaped"
    return None


def info_document(interface: str) -> Check:
    """`/info`: the five keys, naming this backend's interface."""

    def check(response: Response) -> str | None:
        body, problem = _json_document(response)
        if problem:
            return problem
        keys = {"interface", "server", "framework", "pid", "python"}
        if not isinstance(body, dict) or not keys <= set(body):
            return f"missing keys in {body!r:.80}"
        if str(body["interface"]).upper() != interface:
            return f"interface {body['interface']!r}, expected {interface}"
        return None

    return check


def messages_page(response: Response) -> str | None:
    """`GET /messages`: a list of at most 50 rows."""
    body, problem = _json_document(response)
    if problem:
        return problem
    if not isinstance(body, list) or len(body) > MESSAGES_PAGE:
        return f"expected a list of at most {MESSAGES_PAGE} rows: {body!r:.80}"
    return None


def stored_message(author: str, text: str, via: str) -> Check:
    """`POST /messages`: 201 with the row as stored, `via` naming the backend."""

    def check(response: Response) -> str | None:
        body, problem = _json_document(response, 201)
        if problem:
            return problem
        if not isinstance(body, dict):
            return f"expected the stored row: {body!r:.80}"
        sent = {"author": author, "text": text, "via": via}
        got = {key: body.get(key) for key in sent}
        return None if got == sent else f"stored {got!r}, sent {sent!r}"

    return check
