"""The WSGI callable: the seed's `application(environ, start_response)`, grown to the contract.

PEP 3333: https://peps.python.org/pep-3333/ ; the contract: docs/contract.md.
Served by Gunicorn (gunicorn.conf.py): `gateway_wsgi.app:application`.
"""

import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus

import psycopg

from gateway_wsgi import errors
from gateway_wsgi.errors import HttpError, error_response
from gateway_wsgi.request import Environ, Request
from gateway_wsgi.responses import Response
from gateway_wsgi.routes import about, fortunes, greetings, health, messages, poll, slow_io, world
from gateway_wsgi.validation import InvalidInput

logger = logging.getLogger(__name__)

Handler = Callable[[Request], Response]
StartResponse = Callable[[str, list[tuple[str, str]]], object]

# PATH_INFO -> method -> handler. HEAD is answered by every GET handler.
ROUTES: dict[str, dict[str, Handler]] = {
    "/": {"GET": about.index},
    "/info": {"GET": about.info},
    "/hello": {"GET": greetings.hello},
    "/json": {"GET": greetings.json_message},
    "/db": {"GET": world.single_query},
    "/queries": {"GET": world.multiple_queries},
    "/fortunes": {"GET": fortunes.fortunes_page},
    "/io": {"GET": slow_io.wait},
    "/messages": {"GET": messages.latest_messages, "POST": messages.create_message},
    "/healthz": {"GET": health.healthz},
    "/poll": {"GET": poll.poll},
}


def application(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    request = Request(environ)
    response = respond(request)
    start_response(response.status_line(), response.header_list())
    # HEAD: the headers GET would send, Content-Length included, and no body (RFC 9110 section 9.3.2).
    return [b"" if request.method == "HEAD" else response.body]


def respond(request: Request) -> Response:
    """The handler's response, or the contract's JSON error; never an HTML error page."""
    try:
        return find_handler(request)(request)
    except HttpError as error:
        return error.response()
    except InvalidInput as error:
        return error_response(HTTPStatus.BAD_REQUEST, str(error))
    except psycopg.OperationalError as error:  # database down, or psycopg_pool.PoolTimeout
        logger.warning("database unavailable: %s", error)
        return error_response(HTTPStatus.SERVICE_UNAVAILABLE, errors.DATABASE_UNAVAILABLE)
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, errors.INTERNAL_ERROR)


def find_handler(request: Request) -> Handler:
    if request.is_websocket_upgrade():
        raise HttpError(HTTPStatus.BAD_REQUEST, errors.WEBSOCKET_REFUSED)
    methods = ROUTES.get(request.path)
    if methods is None:
        raise HttpError(HTTPStatus.NOT_FOUND, errors.NOT_FOUND)
    handler = methods.get("GET" if request.method == "HEAD" else request.method)
    if handler is None:
        raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, errors.METHOD_NOT_ALLOWED, [("Allow", allowed(methods))])
    return handler


def allowed(methods: dict[str, Handler]) -> str:
    """The Allow header: "GET, HEAD" for GET routes, "GET, HEAD, POST" for /messages."""
    names = sorted({*methods, "HEAD"} if "GET" in methods else methods)
    return ", ".join(names)
