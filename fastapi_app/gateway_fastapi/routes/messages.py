"""The guestbook: the one write in the contract, shared by all three backends."""

from fastapi import APIRouter, status
from psycopg.rows import class_row

from gateway_fastapi.db import Connection, Pool
from gateway_fastapi.schemas import Message, NewMessage

router = APIRouter(tags=["messages"])

VIA = "fastapi"
LATEST_LIMIT = 50
SELECT_LATEST = "SELECT id, author, text, via, created_at FROM message ORDER BY created_at DESC, id DESC LIMIT %s"
# created_at is set here rather than left to a column default, so the row is
# complete whatever the migration declares.
INSERT_MESSAGE = (
    "INSERT INTO message (author, text, via, created_at) VALUES (%s, %s, %s, now())"
    " RETURNING id, author, text, via, created_at"
)


@router.get("/messages")
async def latest_messages(connection: Connection) -> list[Message]:
    """The latest 50 messages, newest first."""
    async with connection.cursor(row_factory=class_row(Message)) as cursor:
        await cursor.execute(SELECT_LATEST, (LATEST_LIMIT,))
        return await cursor.fetchall()


@router.post("/messages", status_code=status.HTTP_201_CREATED)
async def create_message(new: NewMessage, pool: Pool) -> Message:
    """Store a validated message. The pool, not a connection, is injected: the
    body is validated before a connection is borrowed, so a rejected request
    never touches the database."""
    async with (
        pool.connection() as connection,
        connection.cursor(row_factory=class_row(Message)) as cursor,
    ):
        await cursor.execute(INSERT_MESSAGE, (new.author, new.text, VIA))
        return await cursor.fetchone()
