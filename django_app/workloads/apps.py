from django.apps import AppConfig


class WorkloadsConfig(AppConfig):
    """The endpoint contract shared by every Gateway Lab backend, and its schema."""

    name = "workloads"
    default_auto_field = "django.db.models.BigAutoField"
