"""GET/POST /messages: the guestbook every backend shares (docs/contract.md).

`messages` serves /django/ (WSGI); `async_messages` /django-asgi/ (ASGI), with
the async ORM (`async for`, `acreate`).
"""

from django.http import HttpRequest, JsonResponse

from gateway_django import validation
from gateway_django.errors import allow, error_response
from gateway_django.models import Message

# The `via` of a stored row: the backend, as the contract names it.
VIA = "django"
ASYNC_VIA = "django-asgi"
MESSAGES_SHOWN = 50


# POST is csrf_exempt (see allow()): a JSON API, not a form, with no token to
# send; requiring Content-Type: application/json already stops cross-site form
# posts, since a browser cannot send that type cross-origin without a CORS
# preflight, which this app never grants.
# https://docs.djangoproject.com/en/5.2/howto/csrf/
@allow("GET", "POST")
def messages(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        return post_message(request)
    # Ids come from an identity column: id order is insertion order.
    latest = Message.objects.order_by("-id")[:MESSAGES_SHOWN]
    return JsonResponse([message.as_json() for message in latest], safe=False)


@allow("GET", "POST")
async def async_messages(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        return await async_post_message(request)
    latest = Message.objects.order_by("-id")[:MESSAGES_SHOWN]
    return JsonResponse([message.as_json() async for message in latest], safe=False)


def post_message(request: HttpRequest) -> JsonResponse:
    try:
        new = validation.new_message(request)
    except validation.InvalidInput as exc:
        return error_response(400, str(exc))
    # One parameterized INSERT ... RETURNING: the database fills id and
    # created_at (its default now()), and the row it returns is the answer.
    message = Message.objects.create(author=new.author, text=new.text, via=VIA)
    return JsonResponse(message.as_json(), status=201)


async def async_post_message(request: HttpRequest) -> JsonResponse:
    # The body is already in memory: Django's ASGI handler read it before the view.
    try:
        new = validation.new_message(request)
    except validation.InvalidInput as exc:
        return error_response(400, str(exc))
    message = await Message.objects.acreate(author=new.author, text=new.text, via=ASYNC_VIA)
    return JsonResponse(message.as_json(), status=201)
