"""GET /hello and GET /json: the interface itself, no database, no I/O."""

from gateway_cgi.request import Request
from gateway_cgi.response import Response, json_response, text_response


def hello(request: Request) -> Response:
    return text_response("Hello, CGI World")


def json_message(request: Request) -> Response:
    return json_response({"message": "Hello, World!"})
