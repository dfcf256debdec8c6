#!/opt/venv/bin/python -IS
"""Front controller: fcgiwrap runs this one script for every request under /cgi/.

nginx always sends SCRIPT_FILENAME=/srv/cgi_app/gateway.py and fcgiwrap is
started with `-p` for that path, so no request path ever reaches the
filesystem; PATH_INFO only selects a route in gateway_cgi.routes.

-IS, as for floor.py: no `site` module (its scan of site-packages costs about
2 ms per request) and no PYTHON* variable obeyed. So the two directories this
script needs are put on sys.path here: its own (the gateway_cgi package) and
the venv's site-packages (psycopg), found from the venv's interpreter
(sys.prefix names the venv only once `site` has run).
https://docs.python.org/3/library/sys_path_init.html

Python compiles the __main__ script on every run (it is never cached as .pyc),
so this file stays tiny and everything else lives in the precompiled package.
"""

import time

# Server-Timing's first phase (gateway_cgi/timing.py): how long this process had
# run when it reached this line. The kernel counts it per process since fork, in
# ns: time on a CPU, then time waiting for one. (Linux; built-in modules only.)
first_line = time.perf_counter()
with open("/proc/self/schedstat", "rb") as schedstat:
    on_cpu_ns, waiting_ns = map(int, schedstat.read().split()[:2])

import gc  # noqa: E402 - after the clock above
import os  # noqa: E402
import sys  # noqa: E402

# One request per process: nothing lives long enough to need the cycle
# collector, and its passes during psycopg's imports cost a few ms.
gc.disable()

venv = os.path.dirname(os.path.dirname(sys.executable))  # /opt/venv/bin/python -> /opt/venv
python = f"python{sys.version_info.major}.{sys.version_info.minor}"
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), f"{venv}/lib/{python}/site-packages"]

from gateway_cgi import timing  # noqa: E402 - needs the sys.path above
from gateway_cgi.dispatch import serve  # noqa: E402

timing.begin(first_line, (on_cpu_ns + waiting_ns) / 1e6)

if __name__ == "__main__":
    serve()
    # The response is written and flushed. At exit Python still runs one full
    # collection over every object left, about 25 ms after `import psycopg`;
    # frozen objects are skipped, so the exit is only the usual teardown.
    # https://docs.python.org/3/library/gc.html#gc.freeze
    gc.freeze()
