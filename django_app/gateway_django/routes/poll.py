"""GET /poll?after=<id>&timeout_ms=<0..30000>: long polling on a Gunicorn thread.

Django has no API for LISTEN/NOTIFY, so this view uses its database
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
"""

import time

from django.db import connection
from django.http import HttpRequest, JsonResponse

from gateway_django.errors import allow, error_response
from gateway_django.models import Message

CHANNEL = "message_created"
# Above this nginx's proxy_read_timeout for /django/poll (nginx/routes/poll.conf) would cut the wait.
MAX_TIMEOUT_MS = 30_000
# The id column is a bigint.
MAX_ID = 2**63 - 1
# A client far behind catches up in pages: it asks again with the last id it got.
PAGE_SIZE = 50


@allow("GET")
def poll(request: HttpRequest) -> JsonResponse:
    after = _bounded(request.GET.get("after"), MAX_ID)
    timeout_ms = _bounded(request.GET.get("timeout_ms"), MAX_TIMEOUT_MS)
    if after is None:
        return error_response(400, f"after must be an integer from 0 to {MAX_ID}")
    if timeout_ms is None:
        return error_response(400, f"timeout_ms must be an integer from 0 to {MAX_TIMEOUT_MS}")
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


def _bounded(raw: str | None, high: int) -> int | None:
    """ASCII digits only (no sign, no spaces, no "_"), 0..high; None otherwise."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or int(raw) > high:
        return None
    return int(raw)
