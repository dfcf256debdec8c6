"""GET /db and GET /queries: random rows of `world`, TechEmpower's rules (docs/contract.md).

The sync views serve /django/ (WSGI); the `async def` ones /django-asgi/ (ASGI),
through Django's async ORM. Its queries still run in a thread (sync_to_async):
the database layer is synchronous, so the await frees the event loop, not the
thread. https://docs.djangoproject.com/en/5.2/topics/async/#queries-the-orm
"""

import random

from django.http import HttpRequest, JsonResponse

from gateway_django import validation
from gateway_django.errors import allow
from gateway_django.models import World
from gateway_django.seed import WORLD_ROWS


def random_world() -> dict[str, int]:
    return World.objects.get(id=random.randint(1, WORLD_ROWS)).as_json()


async def async_random_world() -> dict[str, int]:
    return (await World.objects.aget(id=random.randint(1, WORLD_ROWS))).as_json()


@allow("GET")
def single_query(request: HttpRequest) -> JsonResponse:
    return JsonResponse(random_world())


@allow("GET")
async def async_single_query(request: HttpRequest) -> JsonResponse:
    return JsonResponse(await async_random_world())


@allow("GET")
def multiple_queries(request: HttpRequest) -> JsonResponse:
    # One query per row, as the TechEmpower rules require (no IN (...) batching).
    count = validation.query_count(request.GET.get("queries"))
    return JsonResponse([random_world() for _ in range(count)], safe=False)


@allow("GET")
async def async_multiple_queries(request: HttpRequest) -> JsonResponse:
    # One query per row, one after another: a request holds one connection at a time.
    count = validation.query_count(request.GET.get("queries"))
    return JsonResponse([await async_random_world() for _ in range(count)], safe=False)
