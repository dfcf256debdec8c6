"""The request body limit (REQUEST_BODY_MAX_BYTES in .env): one value at the edge and in
every backend, exactly the contract's largest valid message, answered with the same JSON
413 one byte past it, whether the request comes through the edge or straight to an app
server. CGI has no direct test here: nothing but nginx reaches fcgiwrap (test_stack.py);
its limit is tested in its unit tests (cgi_app/tests)."""

import json
import subprocess
from collections.abc import Iterator
from functools import cache

import pytest

from tests.conftest import BACKENDS, ROUTES, VARIANTS, container_env, edge_client

# The contract's largest message (author 80, text 2000 characters) in its largest
# legitimate encoding: json.dumps defaults, each non-BMP character a 12-byte surrogate pair.
LARGEST = {"author": "\N{GRINNING FACE}" * 80, "text": "\N{GRINNING FACE}" * 2000}
LARGEST_BODY = json.dumps(LARGEST).encode()
ONE_BYTE_OVER = LARGEST_BODY + b" "  # still valid JSON: refused for its size alone
TOO_LARGE = {"error": "request body too large"}
JSON = {"Content-Type": "application/json"}
# The app servers on the edge network, as Locust's direct cells reach them (loadtest/).
DIRECT = {"django": "django:8000", "fastapi": "fastapi:8000", "wsgi": "wsgi:8000", "asgi": "asgi:8000"}
# The servers that read a chunked body: Gunicorn hands Django none (WSGIRequest reads
# CONTENT_LENGTH bytes; django_app's test_gunicorn.py shows it never stores one).
READ_CHUNKED = ("fastapi", "wsgi", "asgi")


def chunks(body: bytes) -> Iterator[bytes]:
    """A body without Content-Length: HTTP/1.1 sends it chunked."""
    for start in range(0, len(body), 4096):
        yield body[start : start + 4096]


def test_one_limit_everywhere_and_it_is_the_largest_valid_message():
    limits = {service: container_env(service)["REQUEST_BODY_MAX_BYTES"] for service in ("nginx", *BACKENDS, *VARIANTS)}
    assert set(limits.values()) == {str(len(LARGEST_BODY))}, limits


# --- Through the edge ------------------------------------------------------------------


@pytest.mark.parametrize("backend", ROUTES)
def test_the_largest_valid_message_is_accepted(client, backend):
    response = client.post(f"/{backend}/messages", content=LARGEST_BODY, headers=JSON)
    assert response.status_code == 201, response.text[:300]
    row = response.json()
    assert (row["author"], row["text"]) == (LARGEST["author"], LARGEST["text"])


@pytest.mark.parametrize("backend", ROUTES)
def test_one_byte_more_gets_413_json_from_the_edge(client, backend):
    response = client.post(f"/{backend}/messages", content=ONE_BYTE_OVER, headers=JSON)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == TOO_LARGE


@pytest.mark.parametrize("backend", ROUTES)
def test_chunked_through_the_edge_the_same_limit(ssl_context, backend):
    """nginx counts a chunked body too, and hands every backend (CGI and Django
    included) an accepted one with its length."""
    with edge_client(ssl_context) as http1:  # HTTP/1.1: the bodies below go out chunked
        accepted = http1.post(f"/{backend}/messages", content=chunks(LARGEST_BODY), headers=JSON)
        refused = http1.post(f"/{backend}/messages", content=chunks(ONE_BYTE_OVER), headers=JSON)
    assert accepted.status_code == 201, accepted.text[:300]
    assert accepted.json()["text"] == LARGEST["text"]
    assert (refused.status_code, refused.json()) == (413, TOO_LARGE)


# --- Straight to each app server, past the edge ----------------------------------------

# Run in the Locust container, on the edge network with the app servers. Reads the body
# from stdin; argv: host:port and path. Prints each case's status, type and body.
SEND_DIRECTLY = """
import http.client, json, sys

host, port = sys.argv[1].split(":")
path = sys.argv[2]
body = sys.stdin.buffer.read()


def post(payload, chunked=False):
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Host": host, "Content-Type": "application/json"}
    sent = payload
    if chunked:  # an iterable and no Content-Length: http.client sends it chunked
        sent = (payload[start : start + 4096] for start in range(0, len(payload), 4096))
    connection.request("POST", path, body=sent, headers=headers)
    response = connection.getresponse()
    answer = [response.status, response.getheader("Content-Type"), response.read().decode()]
    connection.close()
    return answer


json.dump({"at limit": post(body), "one over": post(body + b" "), "one over chunked": post(body + b" ", True)},
          sys.stdout)
"""


@cache
def sent_directly(backend: str) -> dict[str, list]:
    result = subprocess.run(
        [
            "docker",
            "compose",
            "exec",
            "-T",
            "locust",
            "python3",
            "-c",
            SEND_DIRECTLY,
            DIRECT[backend],
            f"/{backend}/messages",
        ],
        input=LARGEST_BODY,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


@pytest.mark.parametrize("backend", DIRECT)
def test_directly_the_largest_valid_message_is_accepted(backend):
    status, content_type, body = sent_directly(backend)["at limit"]
    assert (status, content_type) == (201, "application/json"), body[:300]
    row = json.loads(body)
    assert (row["author"], row["text"]) == (LARGEST["author"], LARGEST["text"])


@pytest.mark.parametrize("backend", DIRECT)
def test_directly_one_byte_more_gets_the_same_json_413(backend):
    status, content_type, body = sent_directly(backend)["one over"]
    assert (status, content_type, json.loads(body)) == (413, "application/json", TOO_LARGE)


@pytest.mark.parametrize("backend", READ_CHUNKED)
def test_directly_a_chunked_body_one_byte_over_gets_the_same_json_413(backend):
    status, content_type, body = sent_directly(backend)["one over chunked"]
    assert (status, content_type, json.loads(body)) == (413, "application/json", TOO_LARGE)
