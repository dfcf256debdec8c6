"""GET /poll?after=<id>&timeout_ms=<0..30000>: long polling, on a Gunicorn thread
(`poll`, /django/) and on an ASGI coroutine (`async_poll`, /django-asgi/).

Under WSGI: Django has no API for LISTEN/NOTIFY, so this view uses its database
connection's psycopg 3 connection underneath: it LISTENs on channel
`message_created` (notified by a trigger on every INSERT through any backend,
migrations/0002_message_notify.py), reads the messages newer than `after`
with the ORM, and when there are none blocks in `notifies(timeout=...)` until
a notification or the deadline: no query runs while nothing happens. LISTEN
comes before the first SELECT, so a message stored in between still wakes the
wait. The connection goes back to the pool UNLISTENed, nothing queued on it.
LISTEN takes effect at commit: it works in autocommit (Django's default), not
inside an atomic block.

What a waiting client costs here: a Gunicorn thread and its pooled
connection, for the whole wait. GUNICORN_WORKERS x GUNICORN_THREADS waiting
polls take every thread: the service answers nothing else until one returns.
https://www.psycopg.org/psycopg3/docs/advanced/async.html#asynchronous-notifications

Under ASGI: the request subscribes to its worker's message feed
(broadcast.py: one LISTEN connection per Uvicorn worker), then reads the
messages newer than `after` with the ORM and hands the connection back. When
there are none it awaits the feed's queue until a message arrives or the
deadline: no query and no connection while it waits, and the row the feed
read once for all its subscribers is the answer. Subscribing comes before the
SELECT, so a message stored in between still wakes the wait. A client at most
RECENT_SIZE messages behind is answered from the feed's memory instead
(broadcast.MessageFeed.stored_after): 10,000 pollers re-asking after each
message are then no 10,000 queries through a pool of DB_POOL_MAX (as /asgi/ and
/fastapi/, asgi_app/gateway_asgi/routes/poll.py).

What a waiting client costs there: a coroutine and a small queue in a Uvicorn
worker, no PostgreSQL connection and no thread. Django's ASGI handler runs
every request in its own asgiref ThreadSensitiveContext, and the first
sync_to_async in it starts a thread for that request alone, which lives until
the request ends; so nothing before the wait may be sync: not the
request_started receivers (config/asgi.py), not Django's own middleware
(settings_asgi.py), not the ORM read (broadcast.read_newer runs in the loop's
shared executor). Before that, each waiting poll held a thread and a pid, and
at the pids limit (128) the 104th failed ("can't start new thread"). What
remains is the request's end: Django closes every response in a thread of the
request's own, so the polls one message wakes need a thread each at that
moment, and the edge caps the waiting polls at DJANGO_ASGI_POLLS_MAX with a
503 beyond (.env has the measurement it rests on).
/ws/messages, outside Django's handler (config/asgi.py), takes no thread at all.
"""

import asyncio
import time

from django.db import connection
from django.http import HttpRequest, JsonResponse

from gateway_django.broadcast import CHANNEL, feed, read_newer
from gateway_django.errors import allow, error_response
from gateway_django.models import Message

# Above this nginx's proxy_read_timeout for /django/poll and /django-asgi/poll
# (nginx/routes/django.conf, django-asgi.conf) would cut the wait.
MAX_TIMEOUT_MS = 30_000
# The id column is a bigint.
MAX_ID = 2**63 - 1
# A client far behind catches up in pages: it asks again with the last id it got.
PAGE_SIZE = 50


def _parameters(request: HttpRequest) -> tuple[int, int] | JsonResponse:
    """(after, timeout_ms), or the contract's 400 naming the first bad one."""
    after = _bounded(request.GET.get("after"), MAX_ID)
    timeout_ms = _bounded(request.GET.get("timeout_ms"), MAX_TIMEOUT_MS)
    if after is None:
        return error_response(400, f"after must be an integer from 0 to {MAX_ID}")
    if timeout_ms is None:
        return error_response(400, f"timeout_ms must be an integer from 0 to {MAX_TIMEOUT_MS}")
    return after, timeout_ms


@allow("GET")
def poll(request: HttpRequest) -> JsonResponse:
    parameters = _parameters(request)
    if isinstance(parameters, JsonResponse):
        return parameters
    after, timeout_ms = parameters
    deadline = time.monotonic() + timeout_ms / 1000
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {CHANNEL}")
    try:
        messages = _newer(after, deadline)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"UNLISTEN {CHANNEL}")
        for _ in connection.connection.notifies(timeout=0):  # drop what arrived since: the next borrower did not ask
            pass
    return JsonResponse([message.as_json() for message in messages], safe=False)


def _newer(after: int, deadline: float) -> list[Message]:
    while True:
        messages = list(Message.objects.filter(id__gt=after).order_by("id")[:PAGE_SIZE])
        remaining = deadline - time.monotonic()
        if messages or remaining <= 0:
            return messages
        # Blocks this thread in select() on the socket until a notification or the deadline.
        for _ in connection.connection.notifies(timeout=remaining, stop_after=1):
            pass


@allow("GET")
async def async_poll(request: HttpRequest) -> JsonResponse:
    parameters = _parameters(request)
    if isinstance(parameters, JsonResponse):
        return parameters
    after, timeout_ms = parameters
    queue = feed.subscribe()
    try:
        messages = feed.stored_after(after, PAGE_SIZE)
        if messages is None:  # the feed cannot tell: ask the database
            messages = await read_newer(after, PAGE_SIZE)
        if not messages:
            messages = await _next_messages(queue, after, timeout_ms / 1000)
    finally:
        feed.unsubscribe(queue)  # also when the client leaves: Django's handler cancels this view
    return JsonResponse([message.as_json() for message in messages], safe=False)


async def _next_messages(queue: "asyncio.Queue[Message]", after: int, timeout_s: float) -> list[Message]:
    """The first newer message the feed brings within the timeout, and any queued with it; [] at the deadline."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    newer: list[Message] = []
    while not newer:
        try:
            async with asyncio.timeout_at(deadline):
                newer.append(await queue.get())
        except TimeoutError:
            return []
        while not queue.empty():
            newer.append(queue.get_nowait())
        newer = [message for message in newer if message.id > after]
    return newer


def _bounded(raw: str | None, high: int) -> int | None:
    """ASCII digits only (no sign, no spaces, no "_"), 0..high; None otherwise."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or int(raw) > high:
        return None
    return int(raw)
