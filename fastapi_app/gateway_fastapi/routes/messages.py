"""GET and POST /messages: the guestbook, the one write in the contract, shared by all backends."""

from fastapi import APIRouter, status
from psycopg.rows import class_row

from gateway_fastapi.database import Connection, Pool
from gateway_fastapi.schemas import Message
from gateway_fastapi.validation import NewMessage

router = APIRouter(tags=["messages"])

VIA = "fastapi"
LATEST_LIMIT = 50
# id comes from an identity column, so id order is insertion order.
SELECT_LATEST = "SELECT id, author, text, via, created_at FROM message ORDER BY id DESC LIMIT %s"
# created_at comes from the column default, now(): the database's clock, not ours.
INSERT_MESSAGE = (
    "INSERT INTO message (author, text, via) VALUES (%s, %s, %s) RETURNING id, author, text, via, created_at"
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
