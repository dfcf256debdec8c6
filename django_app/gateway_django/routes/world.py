"""GET /db and GET /queries: random rows of `world`, TechEmpower's rules (docs/contract.md)."""

import random

from django.http import HttpRequest, JsonResponse

from gateway_django import validation
from gateway_django.errors import allow
from gateway_django.models import World
from gateway_django.seed import WORLD_ROWS


def random_world() -> dict[str, int]:
    return World.objects.get(id=random.randint(1, WORLD_ROWS)).as_json()


@allow("GET")
def single_query(request: HttpRequest) -> JsonResponse:
    return JsonResponse(random_world())


@allow("GET")
def multiple_queries(request: HttpRequest) -> JsonResponse:
    # One query per row, as the TechEmpower rules require (no IN (...) batching).
    count = validation.query_count(request.GET.get("queries"))
    return JsonResponse([random_world() for _ in range(count)], safe=False)
