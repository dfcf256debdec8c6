from django.apps import AppConfig


class GatewayDjangoConfig(AppConfig):
    """The endpoint contract (docs/contract.md) as Django views, and the schema every backend shares."""

    name = "gateway_django"
    default_auto_field = "django.db.models.BigAutoField"
