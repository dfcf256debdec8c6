"""The guestbook shared by all backends: validated before anything is written."""

from http import HTTPStatus

from cgi_gateway.database import connect
from cgi_gateway.request import Request
from cgi_gateway.response import HttpError, Response, json_response

VIA = "cgi"
LATEST_COUNT = 50
FIELD_LIMITS = {"author": 80, "text": 2000}
SELECT_LATEST = "SELECT id, author, text, via, created_at FROM message ORDER BY id DESC LIMIT %s"
INSERT_MESSAGE = (
    "INSERT INTO message (author, text, via) VALUES (%s, %s, %s) RETURNING id, author, text, via, created_at"
)


def latest_messages(request: Request) -> Response:
    with connect() as connection:
        rows = connection.execute(SELECT_LATEST, (LATEST_COUNT,)).fetchall()
    return json_response([_message(row) for row in rows])


def create_message(request: Request) -> Response:
    fields = _validated_fields(request.json_body())
    with connect() as connection:
        row = connection.execute(INSERT_MESSAGE, (fields["author"], fields["text"], VIA)).fetchone()
    return json_response(_message(row), HTTPStatus.CREATED)


def _validated_fields(payload: object) -> dict[str, str]:
    if not isinstance(payload, dict):
        raise HttpError(HTTPStatus.BAD_REQUEST, "body must be a JSON object")
    fields = {}
    for name, limit in FIELD_LIMITS.items():
        value = payload.get(name)
        if not isinstance(value, str):
            raise HttpError(HTTPStatus.BAD_REQUEST, f"{name} must be a string")
        if not 1 <= len(value) <= limit:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"{name} must be 1 to {limit} characters")
        if not _storable(value):
            raise HttpError(HTTPStatus.BAD_REQUEST, f"{name} must be Unicode text without NUL characters")
        fields[name] = value
    return fields


def _storable(value: str) -> bool:
    """PostgreSQL text holds no NUL, and JSON's lone surrogate escapes are no UTF-8."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _message(row: tuple) -> dict[str, object]:
    message_id, author, text, via, created_at = row
    return {
        "id": message_id,
        "author": author,
        "text": text,
        "via": via,
        "created_at": created_at.isoformat(),
    }
