"""The client containers (loadtest/conns/held_connections.py), driven over stdin/stdout."""

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any, BinaryIO

SERVICE = "conns-client"


class ClientError(RuntimeError):
    pass


def compose_run(compose: list[str], arguments: list[str]) -> list[str]:
    """The command of one client container of the stack's conns-client service."""
    return [*compose, "--profile", "bench", "run", "--rm", "-T", "--no-deps", SERVICE, *arguments]


class ClientContainer:
    """One client container (`compose run` or `docker run`, with stdin): a JSON command in, a JSON event out."""

    def __init__(self, command: list[str], project_dir: Path, log: BinaryIO) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=project_dir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(b"{"):
                self.events.put(json.loads(line))
        self.events.put(None)  # the client exited

    def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command).encode() + b"\n")
        self.process.stdin.flush()

    def receive(self, event: str, timeout: float) -> dict[str, Any]:
        try:
            answer = self.events.get(timeout=timeout)
        except queue.Empty:
            raise ClientError(f"no {event!r} from the client within {timeout:.0f} s") from None
        if answer is None or answer.get("event") != event:
            raise ClientError(f"the client answered {answer!r} instead of {event!r} (its log has why)")
        return answer

    def stop(self) -> None:
        try:
            self.send({"cmd": "stop"})
            self.process.stdin.close()  # type: ignore[union-attr]
            self.process.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def ask_all(clients: list[ClientContainer], commands: list[dict[str, Any]], event: str, timeout: float) -> list[dict]:
    """Send each client its command at once, then gather every answer."""
    for client, command in zip(clients, commands, strict=True):
        client.send(command)
    return [client.receive(event, timeout) for client in clients]
