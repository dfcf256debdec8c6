"""What a capacity run measures: which kinds each backend offers, and the steps.

Kinds follow docs/contract.md: every backend answers /poll; the ASGI ones
also hold ws/messages and events/messages. WSGI holds a thread per waiting
poll and CGI a process, and the edge refuses the poll beyond their count less
one (nginx/snippets/limits/long-polls.conf), so their steps stop far lower;
so do Django under ASGI's polls, capped for the thread each takes as it ends;
the run stops a series at the first step with refusals or errors: that is
each interface's limit.
"""

from dataclasses import dataclass

KINDS = ("websocket", "sse", "poll")
ASGI = ("fastapi", "asgi", "django-asgi")
BACKENDS = ("cgi", "django", "wsgi", *ASGI)
OFFERS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("cgi", "django", "wsgi"), ("poll",)),
    **dict.fromkeys(ASGI, KINDS),
}
# The target for ASGI (20,000 WebSockets through the edge on 2 cores).
ASGI_STEPS = (1_000, 5_000, 10_000, 20_000)
# Doubling: the edge's long-poll caps follow GUNICORN_WORKERS x GUNICORN_THREADS
# and FCGI_CHILDREN (.env), and the first step beyond a cap shows its refusals
# (bench/tests/test_conns.py checks the last step is beyond the caps of .env).
BLOCKING_STEPS = (4, 8, 16, 32, 64)
# Django under ASGI's polls: doubling past DJANGO_ASGI_POLLS_MAX (.env, 400).
DJANGO_ASGI_POLL_STEPS = (100, 200, 400, 800)


def default_steps(backend: str, kind: str) -> tuple[int, ...]:
    if (backend, kind) == ("django-asgi", "poll"):
        return DJANGO_ASGI_POLL_STEPS
    return ASGI_STEPS if backend in ASGI else BLOCKING_STEPS


@dataclass(frozen=True)
class Series:
    backend: str
    kind: str
    steps: tuple[int, ...]


def series(backends: list[str], kinds: list[str], steps: tuple[int, ...] | None) -> list[Series]:
    """Every (backend, kind) asked for that the backend offers, each with its steps."""
    plan = []
    for backend in backends:
        for kind in kinds:
            if kind in OFFERS[backend]:
                plan.append(Series(backend, kind, steps or default_steps(backend, kind)))
    return plan


def poster(backend: str) -> str:
    """Where a series' messages are posted: an ASGI backend other than the one
    measured, which at the edge's limit refuses the POST too. Every backend's
    feed sees every message (a PostgreSQL NOTIFY per stored row)."""
    return "asgi" if backend == "fastapi" else "fastapi"


def split(target: int, clients: int) -> list[int]:
    """A step's connections over the client containers, as even as integers allow."""
    share, extra = divmod(target, clients)
    return [share + (index < extra) for index in range(clients)]


def clients_for(steps: tuple[int, ...], per_client: int) -> int:
    """Client containers for the largest step: each holds at most per_client connections."""
    return max(1, -(-max(steps) // per_client))
