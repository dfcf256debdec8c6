"""Input parsing rules, without a database."""

import json

from django.test import RequestFactory, SimpleTestCase

from gateway_django import validation


class QueryCountTests(SimpleTestCase):
    def test_techempower_clamping(self) -> None:
        cases = {
            None: 1,
            "": 1,
            "abc": 1,
            "1.5": 1,
            "0": 1,
            "-3": 1,
            "7": 7,
            "500": 500,
            "501": 500,
        }
        for raw, expected in cases.items():
            with self.subTest(raw=raw):
                self.assertEqual(validation.query_count(raw), expected)


class IoMillisecondsTests(SimpleTestCase):
    def test_accepts_the_inclusive_range(self) -> None:
        for raw, expected in {"0": 0, "100": 100, "10000": 10_000}.items():
            with self.subTest(raw=raw):
                self.assertEqual(validation.io_milliseconds(raw), expected)

    def test_rejects_everything_else(self) -> None:
        for raw in [None, "", "-1", "10001", "1.5", "abc", " 5", "+5", "1_000", "٣"]:
            with self.subTest(raw=raw), self.assertRaises(validation.InvalidInput):
                validation.io_milliseconds(raw)


class NewMessageTests(SimpleTestCase):
    factory = RequestFactory()

    def parse(self, body: str | bytes, content_type: str = "application/json") -> validation.NewMessage:
        return validation.new_message(self.factory.post("/messages", body, content_type=content_type))

    def test_valid_body(self) -> None:
        parsed = self.parse('{"author": "ann", "text": "hi", "extra": 1}')
        self.assertEqual(parsed, validation.NewMessage(author="ann", text="hi"))

    def test_content_type_with_charset_is_json(self) -> None:
        parsed = self.parse('{"author": "a", "text": "b"}', "application/json; charset=utf-8")
        self.assertEqual(parsed.author, "a")

    def test_length_limits_count_characters(self) -> None:
        parsed = self.parse(json.dumps({"author": "é" * 80, "text": "日" * 2000}))
        self.assertEqual((len(parsed.author), len(parsed.text)), (80, 2000))

    def test_rejections(self) -> None:
        cases = {
            "not JSON": ('{"author": "a"', "application/json"),
            "invalid UTF-8": (b"\xff", "application/json"),
            "form content type": ("author=a&text=b", "application/x-www-form-urlencoded"),
            "array": ("[1]", "application/json"),
            "string": ('"x"', "application/json"),
            "missing text": ('{"author": "a"}', "application/json"),
            "number author": ('{"author": 5, "text": "x"}', "application/json"),
            "null text": ('{"author": "a", "text": null}', "application/json"),
            "empty author": ('{"author": "", "text": "x"}', "application/json"),
            "long author": (json.dumps({"author": "a" * 81, "text": "x"}), "application/json"),
            "long text": (json.dumps({"author": "a", "text": "x" * 2001}), "application/json"),
            "NUL": ('{"author": "a", "text": "\\u0000"}', "application/json"),
            "lone surrogate": ('{"author": "a", "text": "\\ud800"}', "application/json"),
        }
        for name, (body, content_type) in cases.items():
            with self.subTest(name), self.assertRaises(validation.InvalidInput):
                self.parse(body, content_type)
