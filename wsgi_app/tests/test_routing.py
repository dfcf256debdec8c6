"""Only the exact contract path is a route (app.ROUTES, looked up as is): docs/contract.md, "Routing".

Gunicorn percent-decodes the path into PATH_INFO and normalises nothing
else, so these are the PATH_INFO values /wsgi/hello%0A, /wsgi//hello and
/wsgi/./hello arrive as.
"""

import pytest
from conftest import call
from gateway_wsgi.app import ROUTES

VARIANTS = ["{}\n", "{}\r", "{}\t", "{}\x7f", "{}\r\n", "{}/", "/{}", "/.{}", "/x/..{}"]


@pytest.mark.parametrize("path", sorted(ROUTES))
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_route_with_a_control_character_slash_or_dot_segment_is_a_json_404(path, variant):
    result = call("GET", variant.format(path))
    assert (result.status, result.json()) == (404, {"error": "not found"})


@pytest.mark.parametrize("path", ["/he\nllo", "/\nhello", "/hel\x7flo", "/mes\tsages"])
def test_a_control_character_inside_the_path_is_a_json_404(path):
    result = call("GET", path)
    assert (result.status, result.json()) == (404, {"error": "not found"})


def test_the_exact_path_is_the_route():
    assert call("GET", "/hello").status == 200
