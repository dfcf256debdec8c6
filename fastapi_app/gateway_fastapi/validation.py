"""Input rules of docs/contract.md: query parameters and the message body, as pydantic types.

A failure becomes 400 {"error": ...} in errors.validation_error, never 422.
"""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, StrictStr
from pydantic_core import PydanticCustomError

MAX_QUERIES = 500


def _reject_non_digits(value: object) -> object:
    """Accept query strings of ASCII digits only ("10", not "10.0", "1_0" or " 10")."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        # PydanticCustomError, not ValueError: its message is used as is,
        # without pydantic's "Value error, " in front.
        raise PydanticCustomError("digits", "must be a whole number written in digits")
    return value


# A non-negative integer query parameter, parsed as strictly as the CGI and
# Django backends parse theirs (pydantic's lax mode would accept "10.0").
Digits = Annotated[int, BeforeValidator(_reject_non_digits)]


def query_count(raw: str | None) -> int:
    """/queries never rejects: missing, non-integer or below 1 -> 1; above 500 -> 500 (TechEmpower rule)."""
    if raw is None or not (raw.isascii() and raw.isdigit()):
        return 1
    return min(max(int(raw), 1), MAX_QUERIES)


def _storable_in_postgres(value: str) -> str:
    """PostgreSQL text cannot hold NUL (pydantic already refuses lone surrogates)."""
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain NUL characters")
    return value


class NewMessage(BaseModel):
    """POST /messages body: both fields strict strings (no numbers coerced)."""

    author: Annotated[StrictStr, Field(min_length=1, max_length=80), AfterValidator(_storable_in_postgres)]
    text: Annotated[StrictStr, Field(min_length=1, max_length=2000), AfterValidator(_storable_in_postgres)]
