"""One-shot preparation run by the compose `migrate` service before the backends start."""

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gateway_django.seed import seed

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD_FILE = "DJANGO_ADMIN_PASSWORD_FILE"  # noqa: S105 - a variable name


class Command(BaseCommand):
    help = "Migrate, seed world and fortune, collect static files, create or update the admin."

    def handle(self, *args: object, **options: object) -> None:
        password = self.admin_password()
        # fake_initial: a database migrated while this app was named `workloads`
        # already has the tables (same db_table names); Django then records
        # 0001_initial as applied instead of failing on CREATE TABLE.
        call_command("migrate", interactive=False, fake_initial=True, stdout=self.stdout)
        seed()
        self.stdout.write("Seeded world and fortune.")
        call_command("collectstatic", interactive=False, verbosity=0, stdout=self.stdout)
        self.stdout.write("Collected static files.")
        self.ensure_admin(password)
        self.stdout.write(f"Superuser {ADMIN_USERNAME!r} is up to date.")

    @staticmethod
    def admin_password() -> str:
        path = os.environ.get(ADMIN_PASSWORD_FILE)
        if not path:
            raise CommandError(f"{ADMIN_PASSWORD_FILE} must name the admin password file")
        password = Path(path).read_text(encoding="utf-8").strip()
        if not password:
            raise CommandError(f"{path} is empty")
        return password

    @staticmethod
    @transaction.atomic
    def ensure_admin(password: str) -> None:
        """Create the superuser, or reset it to the password in the secrets volume."""
        user, _ = get_user_model().objects.get_or_create(username=ADMIN_USERNAME)
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
