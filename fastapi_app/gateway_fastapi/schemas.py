"""Pydantic models of the response bodies (docs/contract.md)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class World(BaseModel):
    id: int
    random_number: int = Field(serialization_alias="randomNumber")


class Fortune(BaseModel):
    id: int
    message: str


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


class RequestSeen(BaseModel):
    """The request as this app sees it, after Uvicorn applied the edge's forwarding headers."""

    client: str
    scheme: str
    host: str


class Info(BaseModel):
    interface: str
    server: str
    framework: str
    hostname: str
    pid: int
    python: str
    request: RequestSeen


class Health(BaseModel):
    status: str
    database: str


class Tick(BaseModel):
    tick: int
    of: int


class ErrorBody(BaseModel):
    """Every 4xx/5xx body."""

    model_config = ConfigDict(json_schema_extra={"example": {"error": "not found"}})

    error: str
