"""GET /hello (the seed's function, unchanged in spirit) and GET /json."""

from gateway_wsgi.request import Request
from gateway_wsgi.responses import Response, json_response, text_response

HELLO = "Hello, WSGI World"


def hello(request: Request) -> Response:
    return text_response(HELLO)


def json_message(request: Request) -> Response:
    return json_response({"message": "Hello, World!"})
