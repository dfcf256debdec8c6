"""GET /db and GET /queries: TechEmpower's single and multiple database queries on table `world`.

Rules: https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview
"""

import random

from fastapi import APIRouter
from psycopg.rows import class_row

from gateway_fastapi.database import Connection
from gateway_fastapi.schemas import World
from gateway_fastapi.validation import query_count

router = APIRouter(tags=["world"])

WORLD_ROWS = 10_000
SELECT_WORLD = "SELECT id, randomnumber AS random_number FROM world WHERE id = %s"


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


def _random_id() -> int:
    return random.randint(1, WORLD_ROWS)  # noqa: S311 - benchmark row ids, not secrets
