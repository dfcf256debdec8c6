"""The `setup_gateway` command the compose `migrate` service runs."""

import io
import tempfile
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase

from gateway_django.models import Fortune, World


class SetupGatewayTests(TestCase):
    def setUp(self) -> None:
        workdir = tempfile.TemporaryDirectory()
        self.addCleanup(workdir.cleanup)
        self.password_file = Path(workdir.name) / "django_admin_password"
        self.static_root = Path(workdir.name) / "static"

    def run_command(self, password_file: str) -> None:
        with (
            self.settings(STATIC_ROOT=str(self.static_root)),
            mock.patch.dict("os.environ", {"DJANGO_ADMIN_PASSWORD_FILE": password_file}),
        ):
            call_command("setup_gateway", stdout=io.StringIO())

    def test_seeds_collects_and_creates_then_updates_the_admin(self) -> None:
        self.password_file.write_text("first-password\n", encoding="utf-8")
        self.run_command(str(self.password_file))
        self.assertEqual(World.objects.count(), 10_000)
        self.assertEqual(Fortune.objects.count(), 12)
        self.assertTrue((self.static_root / "admin" / "css" / "base.css").is_file())
        admin = get_user_model().objects.get(username="admin")
        self.assertTrue(admin.is_superuser and admin.is_staff)
        self.assertTrue(admin.check_password("first-password"))

        self.password_file.write_text("rotated-password\n", encoding="utf-8")
        self.run_command(str(self.password_file))
        admin.refresh_from_db()
        self.assertTrue(admin.check_password("rotated-password"))
        self.assertEqual(get_user_model().objects.filter(username="admin").count(), 1)
        self.assertEqual(World.objects.count(), 10_000)

    def test_refuses_to_run_without_the_password_file(self) -> None:
        with self.assertRaises(CommandError):
            self.run_command("")
        self.assertFalse(self.static_root.exists())
