"""The contract's paths under ASGI (/django-asgi/, config/settings_asgi.py): the I/O
rows are `async def` views, the others the same sync views as under WSGI (urls.py),
side by side in one project. The prefix is FORCE_SCRIPT_NAME's, not in these paths."""

from django.urls import path

from .routes import about, fortunes, greetings, health, messages, poll, realtime, slow_io, world

urlpatterns = [
    path("", about.index, name="index"),
    path("info", about.info, name="info"),
    path("hello", greetings.hello, name="hello"),
    path("json", greetings.json_message, name="json"),
    path("db", world.async_single_query, name="db"),
    path("queries", world.async_multiple_queries, name="queries"),
    path("fortunes", fortunes.fortunes, name="fortunes"),
    path("io", slow_io.async_io_wait, name="io"),
    path("messages", messages.async_messages, name="messages"),
    path("healthz", health.healthz, name="healthz"),
    path("poll", poll.async_poll, name="poll"),
    # The live message feed as server-sent events; its WebSocket twin is config/asgi.py's.
    path("events/messages", realtime.message_events, name="message-events"),
]
