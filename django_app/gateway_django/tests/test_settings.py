"""The environment is the only source of the tunables: a missing one stops the start by name."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

APP_DIR = Path(__file__).resolve().parents[2]


def run_without(variable: str, *command: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != variable}
    return run(env, command)


def run_with(variable: str, value: str, *command: str) -> subprocess.CompletedProcess[str]:
    return run({**os.environ, variable: value}, command)


def run(env: dict[str, str], command: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *command], cwd=APP_DIR, env=env, capture_output=True, text=True, timeout=30, check=False
    )


class MissingVariableTests(SimpleTestCase):
    def test_django_names_the_missing_variable(self) -> None:
        for variable in [
            "GUNICORN_THREADS",
            "TRUSTED_PROXY_CIDR",
            "PUBLIC_HOST",
            "HTTPS_PORT",
            "REQUEST_BODY_MAX_BYTES",
        ]:
            with self.subTest(variable=variable):
                result = run_without(variable, "manage.py", "check")
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(f"environment variable {variable} must be set", result.stderr)

    def test_gunicorn_names_the_missing_variable(self) -> None:
        for variable in ["GUNICORN_WORKERS", "GUNICORN_THREADS", "TRUSTED_PROXY_CIDR", "SCRIPT_NAME"]:
            with self.subTest(variable=variable):
                result = run_without(variable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--check-config")
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(f"environment variable {variable} must be set", result.stderr)


class TrustedProxyTests(SimpleTestCase):
    def test_a_network_with_host_bits_set_stops_the_start(self) -> None:
        """192.0.2.10/24 is a typo for an address or for 192.0.2.0/24; Gunicorn refuses it too."""
        for command in (["manage.py", "check"], ["-m", "gunicorn", "-c", "gunicorn.conf.py", "--check-config"]):
            with self.subTest(command=command[0]):
                result = run_with("TRUSTED_PROXY_CIDR", "192.0.2.10/24", *command)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("192.0.2.10/24", result.stderr)


# Loads the ASGI entry point as Uvicorn does, in a process of its own (its
# signal changes stay there), and prints what runs before a view: each
# middleware's kind and the sync receivers of request_started.
ASGI_BEFORE_THE_VIEW = """
import json
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string
import config.asgi
from django.conf import settings
from django.core.signals import request_started
middleware = [import_string(path) for path in settings.MIDDLEWARE]
sync_receivers, _ = request_started._live_receivers(None)
print(json.dumps({
    "middleware": {m.__name__: m.async_capable and not issubclass(m, MiddlewareMixin) for m in middleware},
    "sync_receivers": [receiver.__name__ for receiver in sync_receivers],
}))
"""


class AsgiBeforeTheViewTests(SimpleTestCase):
    def test_nothing_sync_runs_before_a_view_under_asgi(self) -> None:
        """Each sync call starts the request's own thread, kept until it ends (config/asgi.py,
        settings_asgi.py): a waiting /poll or SSE client must not hold one."""
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_asgi", "SCRIPT_NAME": "/django-asgi"}
        result = run({"DB_POOL_MAX": "10", **env}, ("-c", ASGI_BEFORE_THE_VIEW))
        self.assertEqual(result.returncode, 0, result.stderr)
        found = json.loads(result.stdout.splitlines()[-1])
        self.assertTrue(found["middleware"])
        self.assertTrue(all(found["middleware"].values()), found["middleware"])  # each runs on the event loop
        self.assertEqual(found["sync_receivers"], [])
