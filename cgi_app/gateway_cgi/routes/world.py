"""GET /db and GET /queries: TechEmpower's single and multiple database queries on table `world`.

https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview
"""

import random

from gateway_cgi import timing
from gateway_cgi.database import connect
from gateway_cgi.request import Request
from gateway_cgi.response import Response, json_response
from gateway_cgi.validation import whole_number

WORLD_ROWS = 10_000
MAX_QUERIES = 500
SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = %s"


def single_query(request: Request) -> Response:
    with connect() as connection:
        row = connection.execute(SELECT_WORLD, (_random_id(),)).fetchone()
    timing.mark("query")  # the statements, and closing the connection
    return json_response(_world(row))


def multiple_queries(request: Request) -> Response:
    count = min(max(whole_number(request.query_param("queries")) or 1, 1), MAX_QUERIES)
    with connect() as connection:
        # One query per row, as the benchmark rules require.
        rows = [connection.execute(SELECT_WORLD, (_random_id(),)).fetchone() for _ in range(count)]
    timing.mark("query")  # the statements, and closing the connection
    return json_response([_world(row) for row in rows])


def _random_id() -> int:
    return random.randint(1, WORLD_ROWS)  # noqa: S311 - benchmark ids, not secrets


def _world(row: tuple[int, int]) -> dict[str, int]:
    return {"id": row[0], "randomNumber": row[1]}
