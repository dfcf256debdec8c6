"""The contract's paths (docs/contract.md), without the /django prefix: Gunicorn moves it into SCRIPT_NAME."""

from django.urls import path

from .routes import about, fortunes, greetings, health, messages, poll, slow_io, world

urlpatterns = [
    path("", about.index, name="index"),
    path("info", about.info, name="info"),
    path("hello", greetings.hello, name="hello"),
    path("json", greetings.json_message, name="json"),
    path("db", world.single_query, name="db"),
    path("queries", world.multiple_queries, name="queries"),
    path("fortunes", fortunes.fortunes, name="fortunes"),
    path("io", slow_io.io_wait, name="io"),
    path("messages", messages.messages, name="messages"),
    path("healthz", health.healthz, name="healthz"),
    path("poll", poll.poll, name="poll"),
]
