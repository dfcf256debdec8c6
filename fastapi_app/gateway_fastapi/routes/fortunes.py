"""GET /fortunes: TechEmpower's fortunes test; all rows plus one, sorted by message, escaped by Jinja2."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from psycopg.rows import class_row

from gateway_fastapi.database import Connection
from gateway_fastapi.schemas import Fortune
from gateway_fastapi.templates import templates

router = APIRouter(tags=["fortunes"])

SELECT_FORTUNES = "SELECT id, message FROM fortune"
EXTRA_FORTUNE = Fortune(id=0, message="Additional fortune added at request time.")


@router.get("/fortunes", response_class=HTMLResponse)
async def fortunes(request: Request, connection: Connection) -> HTMLResponse:
    async with connection.cursor(row_factory=class_row(Fortune)) as cursor:
        await cursor.execute(SELECT_FORTUNES)
        rows = await cursor.fetchall()
    rows.append(EXTRA_FORTUNE)
    rows.sort(key=lambda fortune: fortune.message)
    return templates.TemplateResponse(request, "fortunes.html", {"fortunes": rows})
