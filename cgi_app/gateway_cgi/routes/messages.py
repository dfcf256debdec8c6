"""GET and POST /messages: the guestbook shared by all backends, validated before anything is written."""

from gateway_cgi import timing
from gateway_cgi.database import connect
from gateway_cgi.request import Request
from gateway_cgi.response import Response, json_response
from gateway_cgi.validation import message_fields

VIA = "cgi"
LATEST_COUNT = 50
# id comes from an identity column, so id order is insertion order.
SELECT_LATEST = "SELECT id, author, text, via, created_at FROM message ORDER BY id DESC LIMIT %s"
# created_at comes from the column default, now(): the database's clock, not ours.
INSERT_MESSAGE = (
    "INSERT INTO message (author, text, via) VALUES (%s, %s, %s) RETURNING id, author, text, via, created_at"
)


def latest_messages(request: Request) -> Response:
    with connect() as connection:
        rows = connection.execute(SELECT_LATEST, (LATEST_COUNT,)).fetchall()
    timing.mark("query")  # the statements, and closing the connection
    return json_response([_message(row) for row in rows])


def create_message(request: Request) -> Response:
    fields = message_fields(request.json_body())
    with connect() as connection:
        row = connection.execute(INSERT_MESSAGE, (fields["author"], fields["text"], VIA)).fetchone()
    timing.mark("query")  # the statements, and closing the connection
    return json_response(_message(row), 201)


def _message(row: tuple) -> dict[str, object]:
    message_id, author, text, via, created_at = row
    return {
        "id": message_id,
        "author": author,
        "text": text,
        "via": via,
        "created_at": created_at.isoformat(),
    }
