"""Seed data for the TechEmpower workloads; safe to run any number of times."""

import random

from django.db import transaction

from .models import Fortune, World

WORLD_ROWS = 10_000

# The 12 fortunes of the TechEmpower Framework Benchmarks, verbatim (the markup
# and non-ASCII text are there to prove escaping and encoding).
# https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview#fortunes
FORTUNES = [
    (1, "fortune: No such file or directory"),
    (2, "A computer scientist is someone who fixes things that aren't broken."),
    (3, "After enough decimal places, nobody gives a damn."),
    (4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
    (5, "A computer program does what you tell it to do, not what you want it to do."),
    (6, "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"),
    (7, "Any program that runs right is obsolete."),
    (8, "A list is only as strong as its weakest link. — Donald Knuth"),
    (9, "Feature: A bug with seniority."),
    (10, "Computers make very fast, very accurate mistakes."),
    (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
    (12, "フレームワークのベンチマーク"),
]


@transaction.atomic
def seed() -> None:
    """Insert missing world rows (existing ones keep their number) and reset the fortunes."""
    World.objects.bulk_create(
        (World(id=i, randomnumber=random.randint(1, WORLD_ROWS)) for i in range(1, WORLD_ROWS + 1)),
        batch_size=2_000,
        ignore_conflicts=True,
    )
    Fortune.objects.bulk_create(
        (Fortune(id=i, message=message) for i, message in FORTUNES),
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["message"],
    )
