"""GET /fortunes, TechEmpower's fortunes test: read all rows, add one, sort, escape, render."""

from html import escape

from gateway_asgi.request import Request
from gateway_asgi.responses import Response, html_response

ADDED_FORTUNE = (0, "Additional fortune added at request time.")
SELECT_FORTUNES = "SELECT id, message FROM fortune"


async def fortunes_page(request: Request) -> Response:
    async with request.pool.connection() as connection:
        cursor = await connection.execute(SELECT_FORTUNES)
        fortunes = await cursor.fetchall()
    fortunes.append(ADDED_FORTUNE)
    fortunes.sort(key=lambda fortune: fortune[1])
    rows = "".join(f"<tr><td>{fortune_id}</td><td>{escape(message)}</td></tr>" for fortune_id, message in fortunes)
    return html_response(
        "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
        f"<tr><th>id</th><th>message</th></tr>{rows}</table></body></html>"
    )
