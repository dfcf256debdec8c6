"""A stand-in for `wrk --threads=T --connections=C --duration=Ds --timeout=X --script=report.lua URL [-- ...]`.

Prints what wrk with loadtest/wrk/report.lua prints (its text report, then
the `wrk-result {JSON}` line of done()), without sending a request. The
URL's host name picks the outcome, as in fake_locust.py: `failing` counts
answers above 399, `early` stops after a tenth of --duration, `saturated`
used 90 % of its threads' cores (else 10 %), `idle`
completes no request, `crashing` exits 1 before reporting (as wrk does when
it cannot connect), `hanging` sleeps a minute first (a generator past its
deadline); any other host succeeds. The arguments after `--` (a
request body) are echoed, so a test can see them arrive. With
loadtest/wrk/server-timing.lua as its script it also prints that script's
`wrk-server-timing {JSON}` line: phases for a /cgi/ path other than the
floor (whose program sends no Server-Timing), none for the rest.
"""

import argparse
import json
import sys
import time
from urllib.parse import urlsplit


def main() -> int:
    parser = argparse.ArgumentParser()
    for option in ("--threads", "--connections", "--duration", "--timeout", "--script"):
        parser.add_argument(option, required=True)
    parser.add_argument("url")
    parser.add_argument("script_arguments", nargs="*")
    options = parser.parse_args()
    target = urlsplit(options.url).hostname or ""
    if target == "crashing":
        print(f"unable to connect to {target}:443 Connection refused", flush=True)
        return 1
    if target == "hanging":
        time.sleep(60)
    seconds = int(options.duration.rstrip("s"))
    ran = seconds / 10 if target == "early" else seconds
    # Throughput depends on the URL, so ratios between cells are not 1.
    requests = 0 if target == "idle" else int(options.connections) * seconds * (40 + len(options.url))
    status_errors = 3 if target == "failing" else 0
    print(f"Running {seconds}s test @ {options.url}\n  {options.threads} threads and {options.connections} connections")
    print(f"script arguments: {options.script_arguments}")
    print(f"Requests/sec: {requests / ran:.2f}")
    latency = {"mean": 12345.6, "max": 98765, "p50": 11000, "p95": 20000, "p99": 30000}
    errors = {"connect": 0, "read": 0, "write": 0, "status": status_errors, "timeout": 0}
    busy = 0.9 if target == "saturated" else 0.1
    cpu_us = int(busy * ran * int(options.threads) * 1e6)
    result = {"requests": requests, "duration_us": int(ran * 1e6), "bytes": requests * 100, "cpu_us": cpu_us}
    # report.lua's counters: the answers spread evenly over the seconds it ran, failures in the last.
    seconds_ran = max(1, round(ran))
    answers = [requests // seconds_ran] * seconds_ran
    per_second = {"answers": answers, "failed": [0] * (seconds_ran - 1) + [status_errors]}
    print(
        "wrk-result " + json.dumps({**result, "errors": errors, "latency_us": latency, "per_second": per_second}),
        flush=True,
    )
    if options.script.endswith("server-timing.lua"):
        path = urlsplit(options.url).path
        timed = path.startswith("/cgi/") and path != "/cgi/floor"
        # Means that differ by phase and by path, in a JSON object of wrk's (unordered) table.
        means = {"response": 0.25, "import": 90.5 + len(path), "start": 7.75, "query": 1.5, "connect": 9.0}
        phases = {phase: {"responses": requests, "mean_ms": ms} for phase, ms in means.items()} if timed else {}
        print("wrk-server-timing " + json.dumps(phases), flush=True)
    return 0  # wrk exits 0 whatever the answers were


if __name__ == "__main__":
    sys.exit(main())
