"""GET /hello (the seed's coroutine, unchanged in spirit) and GET /json."""

from gateway_asgi.request import Request
from gateway_asgi.responses import Response, json_response, text_response

HELLO = "Hello, ASGI World"


async def hello(request: Request) -> Response:
    return text_response(HELLO)


async def json_message(request: Request) -> Response:
    return json_response({"message": "Hello, World!"})
