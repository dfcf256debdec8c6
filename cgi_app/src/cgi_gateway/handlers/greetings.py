"""The two endpoints that measure the interface itself: no database, no I/O."""

from cgi_gateway.request import Request
from cgi_gateway.response import Response, json_response, text_response


def hello(request: Request) -> Response:
    return text_response("Hello, CGI World")


def json_message(request: Request) -> Response:
    return json_response({"message": "Hello, World!"})
