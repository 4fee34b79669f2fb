"""Count each painter's training compute and say how many steps it needs to spend the budget.

    python scripts/budget.py                 # every painter's committed config
    python scripts/budget.py gan --set g_full=32

The counts come from training/budget.py (torch's FLOP counter on short runs of the real
training code). A config meets the budget when its counted total is within budget.TOLERANCE of
budget.BUDGET; tests/test_budget.py holds the committed checkpoints to that.
"""

from __future__ import annotations

import argparse
import json
import sys

from painters.core import machine
from painters.families import registry
from painters.training import budget


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("families", nargs="*", help="painters (default: all four)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a config override")
    args = parser.parse_args(argv)
    machine.use_threads(1)
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = json.loads(value)
    for family in args.families or registry.painters():
        config = registry.config_of(family, overrides)
        compute = budget.count(family, config)
        share = compute.total / budget.BUDGET
        phases = ", ".join(f"{name} {f / 1e9:.2f} GFLOP x {n}" for name, (f, n) in compute.phases.items())
        print(f"{family}: {phases}; fixed {compute.fixed / 1e9:.1f} GFLOP; total {compute.total / 1e15:.4f} PFLOP "
              f"({share:.1%} of the budget)")  # fmt: skip
        print(f"  for {budget.BUDGET / 1e15:g} PFLOP: {budget.steps_for_budget(compute)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
