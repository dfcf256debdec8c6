"""Which interface and process answered; the pid differs on every CGI request."""

import os
import platform

from cgi_gateway.request import Request
from cgi_gateway.response import Response, json_response
from cgi_gateway.server import FRAMEWORK, INTERFACE, server_release


def process_info(request: Request) -> Response:
    return json_response(
        {
            "interface": INTERFACE,
            "server": server_release(),
            "framework": FRAMEWORK,
            "pid": os.getpid(),
            "python": platform.python_version(),
        }
    )
