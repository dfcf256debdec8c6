"""Gateway Lab's Locust scenarios.

Pick classes and tasks in the web UI (started with --class-picker), or on the
command line: ``locust DjangoUser DjangoAsgiUser --tags db queries``.
Every class targets --host (default https://nginx, the edge inside the compose
network); the backend classes also run against an app server directly
(--host http://django:8000) since paths are the same there. The server
matrix's classes (Was*User) need its variants running: `make up MATRIX=1`.
"""

from scenarios import run_time  # noqa: F401  (registers its init listener)
from scenarios.backends import AsgiUser, CgiUser, DjangoAsgiUser, DjangoUser, FastapiUser, WsgiUser
from scenarios.realtime import LongPollUser, MessageFeedUser, MessageStreamUser
from scenarios.server_matrix import (
    WasGranianAsgiUser,
    WasGranianWsgiUser,
    WasGunicornSync1User,
    WasGunicornSyncUser,
    WasUvicornWorkerUser,
)
from scenarios.static import StaticUser
from scenarios.websocket import WebSocketUser

__all__ = [
    "AsgiUser",
    "CgiUser",
    "DjangoAsgiUser",
    "DjangoUser",
    "FastapiUser",
    "LongPollUser",
    "MessageFeedUser",
    "MessageStreamUser",
    "StaticUser",
    "WasGranianAsgiUser",
    "WasGranianWsgiUser",
    "WasGunicornSync1User",
    "WasGunicornSyncUser",
    "WasUvicornWorkerUser",
    "WebSocketUser",
    "WsgiUser",
]
