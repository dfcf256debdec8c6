"""Only the exact contract path is a route (app.ROUTES, looked up as is): docs/contract.md, "Routing".

Sent to a real Uvicorn, which percent-decodes the path and normalises
nothing else: /asgi/hello%0A arrives as /hello\\n, /asgi//hello as //hello.
"""

import pytest
from conftest import call
from gateway_asgi.app import ROUTES

VARIANTS = ["{}%0A", "{}%0D", "{}%09", "{}%7F", "{}%0D%0A", "{}/", "/{}", "/.{}", "/x/..{}"]


@pytest.mark.parametrize("path", sorted(ROUTES))
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_route_with_a_control_character_slash_or_dot_segment_is_a_json_404(port, path, variant):
    result = call(port, "GET", "/asgi" + variant.format(path))
    assert (result.status, result.json()) == (404, {"error": "not found"})


@pytest.mark.parametrize("path", ["/he%0Allo", "/%0Ahello", "/hel%7Flo", "/mes%09sages", "%0A/hello"])
def test_a_control_character_inside_the_path_is_a_json_404(port, path):
    result = call(port, "GET", "/asgi" + path)
    assert (result.status, result.json()) == (404, {"error": "not found"})


def test_the_exact_path_is_the_route(port):
    assert call(port, "GET", "/asgi/hello").status == 200
