"""`python3 -m bench.conns [--help]`: the capacity run (run.py)."""

import sys

from bench.conns import run

sys.exit(run.main(sys.argv[1:]))
