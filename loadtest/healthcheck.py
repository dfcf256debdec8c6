"""Container healthcheck for both roles of the image (standard library only).

master (web UI): GET its own UI on 127.0.0.1:8089 under --web-base-path.
worker: a TCP connection to the master's port 5557 is established.
headless: nothing to check; the run ends by itself.
"""

import sys
import urllib.request
from pathlib import Path

UI_PORT = 8089
MASTER_PORT = 5557
TCP_ESTABLISHED = "01"  # state column of /proc/net/tcp


def _locust_arguments() -> list[str]:
    """The command line of PID 1, the Locust process (exec form CMD)."""
    return Path("/proc/1/cmdline").read_bytes().decode().split("\0")


def _option(arguments: list[str], name: str, default: str) -> str:
    for index, argument in enumerate(arguments):
        if argument.startswith(f"{name}="):
            return argument.split("=", 1)[1]
        if argument == name and index + 1 < len(arguments):
            return arguments[index + 1]
    return default


def ui_answers(base_path: str) -> bool:
    url = f"http://127.0.0.1:{UI_PORT}{base_path.rstrip('/')}/"
    with urllib.request.urlopen(url, timeout=3) as response:
        return response.status == 200


def connected_to_master(port: int) -> bool:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == port and fields[3] == TCP_ESTABLISHED:
                return True
    return False


def healthy() -> bool:
    arguments = _locust_arguments()
    if "--headless" in arguments:
        return True
    if "--worker" in arguments:
        return connected_to_master(int(_option(arguments, "--master-port", str(MASTER_PORT))))
    return ui_answers(_option(arguments, "--web-base-path", ""))


if __name__ == "__main__":
    try:
        sys.exit(0 if healthy() else 1)
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        sys.exit(1)
