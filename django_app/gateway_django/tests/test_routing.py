"""Only the exact contract path is a route: docs/contract.md, "Routing".

path() compiles to a regex ending in \\Z, never `$` (which also matches before a
final newline), and APPEND_SLASH (CommonMiddleware) only ever adds a slash to a
path that matches no route: so /hello\\n, /hello/ and //hello match nothing.
The client hands Django these paths as Gunicorn would: percent-decoded, and
otherwise as sent.
"""

from django.test import SimpleTestCase
from django.urls import Resolver404, resolve

from gateway_django.urls import urlpatterns

CONTRACT_PATHS = [f"/{pattern.pattern}" for pattern in urlpatterns]
VARIANTS = ["{}\n", "{}\r", "{}\t", "{}\x7f", "{}\r\n", "{}/", "/{}", "/.{}", "/x/..{}"]
# Through the test client: encoded, since urlsplit drops a raw newline or tab.
REQUEST_VARIANTS = ["{}%0A", "{}%0D", "{}%09", "{}%7F", "{}%0D%0A", "{}/", "/.{}", "/x/..{}"]


class ExactRoutingTests(SimpleTestCase):
    def test_the_contract_paths_resolve(self) -> None:
        rows = {"/", "/hello", "/json", "/db", "/queries", "/fortunes", "/io", "/info", "/messages", "/poll"}
        self.assertEqual(set(CONTRACT_PATHS), rows | {"/healthz"})  # docs/contract.md's rows, no more
        for path in CONTRACT_PATHS:
            with self.subTest(path=path):
                resolve(path)

    def test_no_contract_path_resolves_with_a_control_character_slash_or_dot_segment(self) -> None:
        for path in CONTRACT_PATHS:
            for variant in VARIANTS:
                with self.subTest(path=variant.format(path)), self.assertRaises(Resolver404):
                    resolve(variant.format(path))

    def test_a_control_character_inside_the_path_resolves_nothing(self) -> None:
        for path in ("/he\nllo", "/\nhello", "/hel\x7flo", "/mes\tsages"):
            with self.subTest(path=path), self.assertRaises(Resolver404):
                resolve(path)

    def test_every_variant_is_answered_with_the_json_404_and_no_redirect(self) -> None:
        for path in CONTRACT_PATHS:
            for target in (variant.format(path) for variant in REQUEST_VARIANTS):
                if target.startswith("//"):
                    continue  # "/" + "/": urlsplit would read "" as a host
                with self.subTest(path=target):
                    response = self.client.get(target)
                    self.assertEqual(response.status_code, 404)
                    self.assertEqual(response.json(), {"error": "not found"})
