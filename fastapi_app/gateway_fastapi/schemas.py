"""Pydantic models of request and response bodies."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
)


def _reject_non_digits(value: object) -> object:
    """Accept query strings of ASCII digits only ("10", not "10.0", "1_0" or " 10")."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("must be a whole number written in digits")
    return value


# A non-negative integer query parameter, parsed as strictly as the CGI and
# Django backends parse theirs (pydantic's lax mode would accept "10.0").
Digits = Annotated[int, BeforeValidator(_reject_non_digits)]


def _storable_in_postgres(value: str) -> str:
    """PostgreSQL text cannot hold NUL (pydantic already refuses lone surrogates)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


class World(BaseModel):
    id: int
    random_number: int = Field(serialization_alias="randomNumber")


class Fortune(BaseModel):
    id: int
    message: str


class NewMessage(BaseModel):
    """POST /messages body: both fields strict strings (no numbers coerced)."""

    author: Annotated[
        StrictStr,
        Field(min_length=1, max_length=80),
        AfterValidator(_storable_in_postgres),
    ]
    text: Annotated[
        StrictStr,
        Field(min_length=1, max_length=2000),
        AfterValidator(_storable_in_postgres),
    ]


class Message(BaseModel):
    id: int
    author: str
    text: str
    via: str
    created_at: datetime


class Greeting(BaseModel):
    message: str


class Waited(BaseModel):
    waited_ms: int


class Info(BaseModel):
    interface: str
    server: str
    framework: str
    pid: int
    python: str


class Health(BaseModel):
    status: str
    database: str


class Tick(BaseModel):
    tick: int
    of: int


class ErrorBody(BaseModel):
    """Every 4xx/5xx body; `detail` carries FastAPI's validation errors."""

    model_config = ConfigDict(json_schema_extra={"example": {"error": "Not Found"}})

    error: str
    detail: list[dict[str, Any]] | None = None
