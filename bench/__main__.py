"""`python3 -m bench [COMMAND] ...`: the benchmark matrix by default, or one command."""

import sys
from collections.abc import Callable

from bench import compare, edge_cost, figures, keep, measure, pages, run

COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "measure": measure.main,
    "compare": compare.main,
    "edge": edge_cost.main,
    "keep": keep.main,
    "figures": figures.main,
    "render": pages.main,
}

arguments = sys.argv[1:]
if arguments and arguments[0] in COMMANDS:
    sys.exit(COMMANDS[arguments[0]](arguments[1:]))
sys.exit(run.main(arguments))
