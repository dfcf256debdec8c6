"""A stand-in for the `docker` CLI, for the calls `make bench` makes with `--executor compose`.

Each call is appended to $FAKE_DOCKER_LOG as one JSON list of its arguments.
`compose ps --format json` lists one container per name in $FAKE_DOCKER_SERVICES
(comma-separated) as running; `exec CONTAINER wrk ...` runs bench/tests/fake_wrk.py
with wrk's arguments, here rather than in a container; `stats` takes
$FAKE_DOCKER_STATS_SECONDS (default 0.2), then gives fake-nginx-1 10 % CPU per
`stats` call so far (the first sample 10 %, the second 20 %...); `exec
CONTAINER sh -c <the cgroup read of bench/container_cpu.py>` prints cgroup v2's
`usage_usec`, 1 ms more at each call (an idle container); every other
call (`compose build`, `compose run --detach`, `rm`, `inspect`, `version`)
succeeds and prints nothing the bench reads.
"""

import json
import os
import sys
import time
from pathlib import Path

FAKE_WRK = Path(__file__).with_name("fake_wrk.py")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project, run as a script
from bench.container_cpu import COMMAND as READ_CPU  # noqa: E402


def main(arguments: list[str]) -> int:
    log = Path(os.environ["FAKE_DOCKER_LOG"])
    with log.open("a") as lines:
        lines.write(json.dumps(arguments) + "\n")
    if arguments[:1] == ["stats"]:
        time.sleep(float(os.environ.get("FAKE_DOCKER_STATS_SECONDS", "0.2")))
        calls = sum(json.loads(line)[:1] == ["stats"] for line in log.read_text().splitlines())
        print(json.dumps({"Name": "fake-nginx-1", "CPUPerc": f"{10 * calls}%", "MemUsage": "10MiB / 1GiB"}))
    if arguments[:2] == ["compose", "ps"] and "json" in arguments:
        for service in os.environ["FAKE_DOCKER_SERVICES"].split(","):
            print(json.dumps({"Name": f"fake-{service}-1", "Service": service}))
    elif arguments[:1] == ["exec"] and arguments[-1] == READ_CPU:
        calls = sum(json.loads(line) == arguments for line in log.read_text().splitlines())
        print(f"usage_usec {1000 * calls}")
    elif arguments[:1] == ["exec"] and arguments[2:3] == ["wrk"]:
        # Replaced, not a child: ending this process (the bench stopping a cell) ends the generator.
        os.execv(sys.executable, [sys.executable, str(FAKE_WRK), *arguments[3:]])  # noqa: S606 - no shell
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
