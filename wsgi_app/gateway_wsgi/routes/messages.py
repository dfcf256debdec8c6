"""GET/POST /messages: the guestbook, the one write in the contract."""

from datetime import UTC, datetime
from http import HTTPStatus

from gateway_wsgi import database, validation
from gateway_wsgi.request import Request
from gateway_wsgi.responses import Response, json_response

VIA = "wsgi"
LATEST_COUNT = 50
# Ids come from an identity column, so id order is insertion order.
SELECT_LATEST = "SELECT id, author, text, via, created_at FROM message ORDER BY id DESC LIMIT %s"
# created_at is the column's default: the database stamps the row, never the backend.
INSERT_MESSAGE = (
    "INSERT INTO message (author, text, via) VALUES (%s, %s, %s) RETURNING id, author, text, via, created_at"
)

MessageRow = tuple[int, str, str, str, datetime]


def latest_messages(request: Request) -> Response:
    with database.pool().connection() as connection:
        rows = connection.execute(SELECT_LATEST, (LATEST_COUNT,)).fetchall()
    return json_response([_message(row) for row in rows])


def create_message(request: Request) -> Response:
    """Validated in full before a connection is borrowed: a rejected body never reaches the database."""
    new = validation.new_message(str(request.environ.get("CONTENT_TYPE", "")), request.body())
    with database.pool().connection() as connection:
        row = connection.execute(INSERT_MESSAGE, (new.author, new.text, VIA)).fetchone()
    return json_response(_message(row), HTTPStatus.CREATED)


def _message(row: MessageRow) -> dict[str, object]:
    message_id, author, text, via, created_at = row
    # RFC 3339 in UTC (docs/contract.md), whatever the session's TimeZone.
    stamped = created_at.astimezone(UTC).isoformat()
    return {"id": message_id, "author": author, "text": text, "via": via, "created_at": stamped}
