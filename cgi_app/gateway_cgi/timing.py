"""What this request's process spent in each phase, measured, sent as Server-Timing.

https://www.w3.org/TR/server-timing/ (durations in milliseconds). The phases,
each from the end of the one before, those a route does not have left out:

  start     fork to gateway.py's first line: exec and the interpreter's
            start-up, as the kernel's scheduler counts it (/proc/self/schedstat:
            time on a CPU plus time waiting for one, so a busy host shows)
  import    gateway.py's first line to the route's handler found: the
            gateway's modules and the route's (psycopg for the database rows)
  connect   psycopg.connect: TCP, the start-up packet, SCRAM authentication
  query     the statements, reading the rows, closing the connection
  response  the rest of the handler: building the body

What follows the header cannot be in it: writing the body and the
interpreter's exit (tools/cost_breakdown.py times those from outside).
Every request pays for this module: it imports only `time`, built into the
interpreter and loaded before gateway.py's first line.
"""

import time

_phases: list[tuple[str, float]] = []
_last = 0.0


def begin(first_line: float, start_ms: float) -> None:
    """gateway.py's first line (perf_counter seconds) and the process's time until then (ms)."""
    global _last
    _phases.append(("start", start_ms))
    _last = first_line


def mark(phase: str) -> None:
    """End `phase` now: its duration is the time since the last mark."""
    global _last
    if _last:  # only in a process gateway.py started (not under the unit tests' imports)
        now = time.perf_counter()
        _phases.append((phase, (now - _last) * 1000))
        _last = now


def header() -> str:
    """The Server-Timing value, e.g. 'start;dur=9.1, import;dur=96.0, connect;dur=6.2'; '' before begin()."""
    return ", ".join(f"{phase};dur={ms:.1f}" for phase, ms in _phases)
