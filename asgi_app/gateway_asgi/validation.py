"""Strict parsing of request input, the same rules on every backend (docs/contract.md).

Every rejection is an InvalidInput whose text is safe to show the client; the
application answers it as 400 {"error": text}.
"""

import json
import re
from typing import NamedTuple

MAX_QUERIES = 500
MAX_WAIT_MS = 10_000
AUTHOR_MAX = 80
TEXT_MAX = 2000
_INTEGER = re.compile(r"-?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")


class InvalidInput(ValueError):
    """The request is malformed; str(exc) is the client's error message."""


class NewMessage(NamedTuple):
    author: str
    text: str


def query_count(raw: str | None) -> int:
    """TechEmpower rule: missing or not an integer -> 1, then clamped to 1..500."""
    if raw is None or not _INTEGER.fullmatch(raw):
        return 1
    return min(max(int(raw), 1), MAX_QUERIES)


def io_milliseconds(raw: str | None) -> int:
    """Required, at most 10 s."""
    return bounded_integer("ms", raw, 0, MAX_WAIT_MS)


def bounded_integer(name: str, raw: str | None, low: int, high: int, default: int | None = None) -> int:
    """ASCII digits only (no sign, no " 5", no "1_000") within low..high; missing -> default, if any."""
    if raw is None and default is not None:
        return default
    if raw is None or not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise InvalidInput(f"{name} must be an integer from {low} to {high}")
    return int(raw)


def new_message(content_type: str, body: bytes) -> NewMessage:
    """A POST /messages body: a JSON object with string author and text."""
    if content_type.partition(";")[0].strip().lower() != "application/json":
        raise InvalidInput("Content-Type must be application/json")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidInput("body must be valid UTF-8 JSON") from None
    if not isinstance(payload, dict):
        raise InvalidInput("body must be a JSON object")
    return NewMessage(
        author=_text_field(payload, "author", AUTHOR_MAX),
        text=_text_field(payload, "text", TEXT_MAX),
    )


def _text_field(payload: dict[str, object], name: str, limit: int) -> str:
    value = payload.get(name)
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string")
    if not 1 <= len(value) <= limit:
        raise InvalidInput(f"{name} must be 1 to {limit} characters")
    # PostgreSQL text holds no NUL, and a JSON lone-surrogate escape is no UTF-8.
    if "\x00" in value or not _encodable(value):
        raise InvalidInput(f"{name} must be Unicode text without NUL characters")
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
