"""The shared schema (docs/conventions.md, docs/contract.md); the CGI and FastAPI backends use it too.

Table and column names are fixed by that contract, hence the explicit db_table.
"""

from django.db import models
from django.db.models.functions import Now


class World(models.Model):
    """TechEmpower's `World` table: ids 1..10000, each with a random number."""

    id = models.IntegerField(primary_key=True)
    randomnumber = models.IntegerField()

    class Meta:
        db_table = "world"

    def __str__(self) -> str:
        return f"World {self.id}"

    def as_json(self) -> dict[str, int]:
        return {"id": self.id, "randomNumber": self.randomnumber}


class Fortune(models.Model):
    """TechEmpower's `Fortune` table."""

    id = models.IntegerField(primary_key=True)
    message = models.CharField(max_length=2048)

    class Meta:
        db_table = "fortune"

    def __str__(self) -> str:
        return self.message


class Message(models.Model):
    """A guestbook row written by any backend; `via` names which one."""

    id = models.BigAutoField(primary_key=True)
    author = models.CharField(max_length=80)
    text = models.CharField(max_length=2000)
    via = models.CharField(max_length=16)
    # A database default, so rows written by the other backends get it too.
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "message"

    def __str__(self) -> str:
        return f"{self.author} via {self.via}"

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "author": self.author,
            "text": self.text,
            "via": self.via,
            "created_at": self.created_at.isoformat(),
        }
