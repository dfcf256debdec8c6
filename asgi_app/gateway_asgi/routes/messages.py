"""GET/POST /messages: the guestbook, the one write in the contract."""

from datetime import UTC, datetime
from http import HTTPStatus

from gateway_asgi import validation
from gateway_asgi.request import Request
from gateway_asgi.responses import Response, json_response

VIA = "asgi"
LATEST_COUNT = 50
# Ids come from an identity column, so id order is insertion order.
SELECT_LATEST = "SELECT id, author, text, via, created_at FROM message ORDER BY id DESC LIMIT %s"
# created_at is the column's default: the database stamps the row, never the backend.
# The table's trigger notifies every worker's live feed (broadcast.py) of the new id.
INSERT_MESSAGE = (
    "INSERT INTO message (author, text, via) VALUES (%s, %s, %s) RETURNING id, author, text, via, created_at"
)

MessageRow = tuple[int, str, str, str, datetime]


async def latest_messages(request: Request) -> Response:
    async with request.pool.connection() as connection:
        cursor = await connection.execute(SELECT_LATEST, (LATEST_COUNT,))
        rows = await cursor.fetchall()
    return json_response([as_json(row) for row in rows])


async def create_message(request: Request) -> Response:
    """Validated in full before a connection is borrowed: a rejected body never reaches the database."""
    new = validation.new_message(request.header("Content-Type"), await request.body())
    async with request.pool.connection() as connection:
        cursor = await connection.execute(INSERT_MESSAGE, (new.author, new.text, VIA))
        row = await cursor.fetchone()
    return json_response(as_json(row), HTTPStatus.CREATED)


def as_json(row: MessageRow) -> dict[str, object]:
    """A row as GET/POST /messages and the /ws/messages feed show it."""
    message_id, author, text, via, created_at = row
    # RFC 3339 in UTC (docs/contract.md), whatever the session's TimeZone.
    stamped = created_at.astimezone(UTC).isoformat()
    return {"id": message_id, "author": author, "text": text, "via": via, "created_at": stamped}
