"""The TechEmpower-style workloads, the same under /cgi, /django and /fastapi.

Rules: https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview
"""

import asyncio
import random
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from psycopg.rows import class_row

from gateway_fastapi.db import Connection
from gateway_fastapi.schemas import Digits, Fortune, Greeting, Waited, World
from gateway_fastapi.templates import templates

router = APIRouter(tags=["benchmarks"])

WORLD_ROWS = 10_000
MAX_QUERIES = 500
MAX_WAIT_MS = 10_000
SELECT_WORLD = "SELECT id, randomnumber AS random_number FROM world WHERE id = %s"
SELECT_FORTUNES = "SELECT id, message FROM fortune"
EXTRA_FORTUNE = Fortune(id=0, message="Additional fortune added at request time.")


@router.get("/json")
async def json_message() -> Greeting:
    return Greeting(message="Hello, World!")


@router.get("/db")
async def single_query(connection: Connection) -> World:
    """One random row of `world`."""
    async with connection.cursor(row_factory=class_row(World)) as cursor:
        await cursor.execute(SELECT_WORLD, (_random_id(),))
        return await cursor.fetchone()


@router.get("/queries")
async def multiple_queries(connection: Connection, queries: str | None = None) -> list[World]:
    """N random rows, one query each; a bad N is clamped, never rejected."""
    async with connection.cursor(row_factory=class_row(World)) as cursor:
        worlds = []
        for _ in range(query_count(queries)):
            await cursor.execute(SELECT_WORLD, (_random_id(),))
            worlds.append(await cursor.fetchone())
        return worlds


def query_count(raw: str | None) -> int:
    """Missing, non-integer or below 1 -> 1; above 500 -> 500 (TechEmpower rule)."""
    if raw is None or not (raw.isascii() and raw.isdigit()):
        return 1
    return min(max(int(raw), 1), MAX_QUERIES)


@router.get("/fortunes", response_class=HTMLResponse)
async def fortunes(request: Request, connection: Connection) -> HTMLResponse:
    """All fortunes plus one added now, sorted by message, escaped by Jinja2."""
    async with connection.cursor(row_factory=class_row(Fortune)) as cursor:
        await cursor.execute(SELECT_FORTUNES)
        rows = await cursor.fetchall()
    rows.append(EXTRA_FORTUNE)
    rows.sort(key=lambda fortune: fortune.message)
    return templates.TemplateResponse(request, "fortunes.html", {"fortunes": rows})


@router.get("/io")
async def io_wait(
    ms: Annotated[Digits, Query(ge=0, le=MAX_WAIT_MS, description="Milliseconds")],
) -> Waited:
    """Wait without holding a worker: the event loop serves others meanwhile."""
    await asyncio.sleep(ms / 1000)
    return Waited(waited_ms=ms)


def _random_id() -> int:
    return random.randint(1, WORLD_ROWS)  # noqa: S311 - benchmark row ids, not secrets
