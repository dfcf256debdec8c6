"""Strict parsing of request input; every rejection carries a message for the client."""

import json
from dataclasses import dataclass

from django.http import HttpRequest

AUTHOR_MAX = 80
TEXT_MAX = 2000
QUERIES_MAX = 500
IO_MS_MAX = 10_000


class InvalidInput(ValueError):
    """The request is malformed; str(exc) is safe to show to the client."""


@dataclass(frozen=True)
class NewMessage:
    author: str
    text: str


def query_count(raw: str | None) -> int:
    """TechEmpower rule: missing or non-integer -> 1, then clamped to 1..500."""
    try:
        count = int(raw or "")
    except ValueError:
        return 1
    return min(max(count, 1), QUERIES_MAX)


def io_milliseconds(raw: str | None) -> int:
    if raw is None:
        raise InvalidInput("ms is required")
    # int() alone would also accept " 5", "+5" and "1_000".
    if not raw.isascii() or not raw.isdigit():
        raise InvalidInput(f"ms must be an integer between 0 and {IO_MS_MAX}")
    ms = int(raw)
    if ms > IO_MS_MAX:
        raise InvalidInput(f"ms must be an integer between 0 and {IO_MS_MAX}")
    return ms


def _string_field(body: dict[str, object], name: str, max_length: int) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string")
    if not 1 <= len(value) <= max_length:
        raise InvalidInput(f"{name} must be 1 to {max_length} characters")
    # PostgreSQL text cannot hold NUL, and lone surrogates are not encodable:
    # reject both here rather than fail in the database.
    if "\x00" in value:
        raise InvalidInput(f"{name} must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(f"{name} must be valid Unicode text") from exc
    return value


def new_message(request: HttpRequest) -> NewMessage:
    """Parse a POST /messages body: a JSON object with string author and text."""
    if request.content_type != "application/json":
        raise InvalidInput("Content-Type must be application/json")
    try:
        body = json.loads(request.body)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError alike
        raise InvalidInput("body must be valid JSON") from exc
    if not isinstance(body, dict):
        raise InvalidInput("body must be a JSON object")
    return NewMessage(
        author=_string_field(body, "author", AUTHOR_MAX),
        text=_string_field(body, "text", TEXT_MAX),
    )
