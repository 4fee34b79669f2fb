"""Train GAN recipes side by side at a share of the budget, and measure each the pages' way.

    python scripts/gan_recipes.py                    # every recipe below at B/8, two at a time
    python scripts/gan_recipes.py base wide --share 0.0625

Each recipe is a set of settings for families/gan.py's Config. Its steps are chosen so that it
spends the same counted compute (training/budget.py: share x BUDGET), whatever its batch or
width. Each trains in its own process with one torch thread; the results (settings, counted
compute, the protocol's measurements with their intervals, the machine and its load) go to
benchmarks/gan_recipes.json, which the GAN chapter shows.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "benchmarks" / "gan_recipes.json"

#: name -> (settings, what it tests)
RECIPES: dict[str, tuple[dict[str, Any], str]] = {
    "base": ({}, "the committed recipe"),
    "noseek": ({"diversity": 0.0}, "no mode-seeking term: does it pay for speckle?"),
    "pool4": ({"seek_pool": 4}, "the mode-seeking term on 8x8 blocks: layout differences, not speckle"),
    "wide": ({"g_width": 48, "g_full": 32}, "a wider generator, so fewer steps for the same compute"),
    "narrow": ({"g_width": 24, "d_width": 24}, "narrower networks, so more steps"),
    "batch16": ({"batch": 16}, "half the batch, twice the steps"),
    "batch64": ({"batch": 64}, "twice the batch, half the steps"),
    "r1x10": ({"r1": 10.0}, "a ten times stronger R1 penalty"),
    "r1weak": ({"r1": 0.3}, "a weaker R1 penalty"),
    "ttur4": ({"lr": 1e-4, "d_lr_ratio": 4.0}, "the critic learning four times as fast as the painter"),
    "lr4": ({"lr": 4e-4}, "twice the learning rate"),
}


def run(name: str, share: float) -> dict[str, Any]:
    from painters.core import machine
    from painters.families import gan, registry
    from painters.training import budget, curves

    machine.use_threads(1)
    settings, why = RECIPES[name]
    probe = registry.config_of("gan", dict(settings))
    per_step = budget.count("gan", probe).phases["training"][0]
    steps = round(share * budget.BUDGET / per_step)
    config = registry.config_of("gan", {**settings, "steps": steps})
    start = time.perf_counter()
    model, _ = gan.train(config, seed=0, device=machine.resolve_device("cpu"), progress=False)
    minutes = (time.perf_counter() - start) / 60
    measured = curves.measure_painter("gan", model.eval())
    return {
        "name": name,
        "settings": settings,
        "tests": why,
        "gflop_per_step": round(per_step / 1e9, 3),
        "steps": steps,
        "minutes": round(minutes, 1),
        "load_average": round(os.getloadavg()[0], 2),
        "metrics": {group: m.as_dict() for group, m in measured.items()},
    }


def main(argv: list[str] | None = None) -> int:
    from painters.core import machine
    from painters.measure import metrics
    from painters.training import budget

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"recipes (default: all): {', '.join(RECIPES)}")
    parser.add_argument("--share", type=float, default=1 / 8, help="share of the budget each trains on")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(RECIPES))
    if unknown or not 0 < args.share <= 1 or args.jobs < 1:
        parser.error(f"unknown recipe(s) {unknown}; --share in (0, 1]; --jobs at least 1" if unknown else "bad value")
    names = args.names or list(RECIPES)
    with multiprocessing.get_context("spawn").Pool(args.jobs, maxtasksperchild=1) as pool:
        results = pool.starmap(run, [(name, args.share) for name in names])
    record = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine.hardware().split(", torch")[0],
        "threads_per_job": 1,
        "jobs": args.jobs,
        "share_of_budget": args.share,
        "budget_pflop": budget.BUDGET / 1e15,
        "protocol": metrics.protocol(),
        "recipes": results,
    }
    RECORD.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {RECORD}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
