"""Input rules of docs/contract.md: query integers and the message body, checked before any write."""

import re

from gateway_cgi.errors import bad_request

MESSAGE_FIELD_LIMITS = {"author": 80, "text": 2000}
_INTEGER = re.compile(r"-?[0-9]+")


def whole_number(value: str | None) -> int | None:
    """The parameter as a plain decimal integer, or None if missing or not one."""
    if value is None or not _INTEGER.fullmatch(value):
        return None
    return int(value)


def message_fields(payload: object) -> dict[str, str]:
    """author 1..80 and text 1..2000 code points, storable in PostgreSQL, or 400."""
    if not isinstance(payload, dict):
        raise bad_request("body must be a JSON object")
    fields = {}
    for name, limit in MESSAGE_FIELD_LIMITS.items():
        value = payload.get(name)
        if not isinstance(value, str):
            raise bad_request(f"{name} must be a string")
        if not 1 <= len(value) <= limit:
            raise bad_request(f"{name} must be 1 to {limit} characters")
        if not _storable(value):
            raise bad_request(f"{name} must be Unicode text without NUL characters")
        fields[name] = value
    return fields


def _storable(value: str) -> bool:
    """PostgreSQL text holds no NUL, and JSON's lone surrogate escapes are no UTF-8."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
