"""GET /fortunes: TechEmpower's fortunes test; read all rows, add one, sort, escape, render."""

from html import escape

from gateway_cgi import timing
from gateway_cgi.database import connect
from gateway_cgi.request import Request
from gateway_cgi.response import Response, html_response

ADDED_FORTUNE = (0, "Additional fortune added at request time.")


def fortunes_page(request: Request) -> Response:
    with connect() as connection:
        fortunes = connection.execute("SELECT id, message FROM fortune").fetchall()
    timing.mark("query")  # the statements, and closing the connection
    fortunes.append(ADDED_FORTUNE)
    fortunes.sort(key=lambda fortune: fortune[1])
    rows = "".join(f"<tr><td>{fortune_id}</td><td>{escape(message)}</td></tr>" for fortune_id, message in fortunes)
    return html_response(
        "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
        f"<tr><th>id</th><th>message</th></tr>{rows}</table></body></html>"
    )
