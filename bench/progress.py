"""A one-line progress bar over the whole matrix (plain lines when not a TTY)."""

import sys
from typing import TextIO

WIDTH = 30


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(max(int(seconds), 0), 60)
    return f"{minutes}m{seconds:02d}s"


class Progress:
    def __init__(self, cells: int, seconds_per_cell: float, stream: TextIO = sys.stderr) -> None:
        self.cells = cells
        self.seconds_per_cell = seconds_per_cell
        self.stream = stream
        self.interactive = stream.isatty()

    def line(self, done: int, slug: str, elapsed_in_cell: float) -> str:
        """e.g. `[#######.......]  12/31 edge-django-db   7s  ETA 4m10s`."""
        fraction = min((done + elapsed_in_cell / self.seconds_per_cell) / self.cells, 1.0)
        filled = round(WIDTH * fraction)
        remaining = (self.cells - done) * self.seconds_per_cell - elapsed_in_cell
        return (
            f"[{'#' * filled}{'.' * (WIDTH - filled)}] {done + 1:>3}/{self.cells} "
            f"{slug:<28} {elapsed_in_cell:4.0f}s  ETA {_clock(remaining)}"
        )

    def tick(self, done: int, slug: str, elapsed_in_cell: float) -> None:
        if self.interactive:
            self.stream.write("\r" + self.line(done, slug, elapsed_in_cell))
            self.stream.flush()

    def finished(self, done: int, slug: str, result: str) -> None:
        """Print a permanent line per finished cell."""
        prefix = "\r\033[K" if self.interactive else ""
        self.stream.write(f"{prefix}{done + 1:>3}/{self.cells} {slug:<28} {result}\n")
        self.stream.flush()
