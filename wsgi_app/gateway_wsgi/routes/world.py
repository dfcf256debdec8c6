"""TechEmpower's single (GET /db) and multiple (GET /queries) database queries on `world`.

https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview
"""

import random

from gateway_wsgi import database, validation
from gateway_wsgi.request import Request
from gateway_wsgi.responses import Response, json_response

WORLD_ROWS = 10_000
SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = %s"


def single_query(request: Request) -> Response:
    with database.pool().connection() as connection:
        row = connection.execute(SELECT_WORLD, (_random_id(),)).fetchone()
    return json_response(_world(row))


def multiple_queries(request: Request) -> Response:
    count = validation.query_count(request.query("queries"))
    with database.pool().connection() as connection, connection.cursor() as cursor:
        # One query per row, as the benchmark rules require (no IN (...) batching).
        rows = [cursor.execute(SELECT_WORLD, (_random_id(),)).fetchone() for _ in range(count)]
    return json_response([_world(row) for row in rows])


def _random_id() -> int:
    return random.randint(1, WORLD_ROWS)  # noqa: S311 - benchmark row ids, not secrets


def _world(row: tuple[int, int]) -> dict[str, int]:
    return {"id": row[0], "randomNumber": row[1]}
