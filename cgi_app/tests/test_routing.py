"""Only the exact contract path is a route (dispatch.py): docs/contract.md, "Routing".

nginx hands over two spellings of the path: REQUEST_URI as the client sent it,
and PATH_INFO split off the URI after nginx decoded and normalised it.
"""

import pytest
from cgi_client import run_cgi


@pytest.mark.parametrize(
    ("path_info", "request_uri"),
    [
        ("/hello\n", "/cgi/hello%0A"),  # a control character decoded into PATH_INFO
        ("/hello", "/cgi/hello%0A"),  # ...or dropped by a split regex ending in `$`
        ("/he\rllo", "/cgi/he%0Dllo"),
        ("/hello\t", "/cgi/hello%09"),
        ("/hello\x7f", "/cgi/hello%7F"),
        ("/", "/cgi/%0A"),
        ("/hello", "/cgi//hello"),  # nginx merged the slashes
        ("/hello", "/cgi/./hello"),  # nginx resolved the dot segments
        ("/hello", "/cgi/x/../hello"),
        ("/hello", "/cgi/%2e%2e/cgi/hello"),
        ("/hello", "/static/../cgi/hello"),  # ...into another location's prefix
        ("/hello", "/cgi%2Fhello"),  # an encoded slash decoded into a separator
        ("/messages", "/cgi/messages%2F"),
        ("/hello", ""),  # no REQUEST_URI: nothing shows PATH_INFO is what was sent
    ],
)
def test_path_info_that_is_not_the_sent_path_is_404(path_info: str, request_uri: str) -> None:
    response = run_cgi(path_info, request_uri=request_uri)
    assert response.status == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize("path_info", ["/hello\n", "/hello\r", "/hello\t", "/hello\x7f", "/he\nllo", "/hello/"])
def test_contract_path_with_a_control_character_or_slash_is_404(path_info: str) -> None:
    response = run_cgi(path_info)  # REQUEST_URI encodes it, as a client would
    assert response.status == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize("request_uri", ["/cgi/hello", "/cgi/hello?x=%0A", "/cgi/%68ello"])
def test_the_sent_path_itself_is_the_route(request_uri: str) -> None:
    # An encoded letter is the same letter (RFC 3986 section 6.2.2.2); the query is not the path.
    response = run_cgi("/hello", request_uri=request_uri)
    assert response.status == 200
    assert response.body == b"Hello, CGI World"
