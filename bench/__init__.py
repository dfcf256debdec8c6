"""Gateway Lab's host-side benchmark tool (standard library only).

`python3 -m bench` walks the matrix backend x workload through the edge and
directly against the app servers, one Locust run per cell, and writes
reports/<timestamp>/; `measure`, `compare`, `keep` and `figures` are the other
commands (bench/README.md).
"""
