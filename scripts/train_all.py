"""Retrain every committed checkpoint from scratch, two at a time, with a progress bar each.

    python scripts/train_all.py               # everything in registry.CHECKPOINTS (make checkpoints)
    python scripts/train_all.py gan vae       # just these
    python scripts/train_all.py --jobs 1      # one after another

Each checkpoint is the same as `python -m painters train FAMILY --name NAME [--set ...]`. Jobs
run in separate processes with one torch thread each: on a 2-core machine two one-thread jobs
side by side finish far sooner than one two-thread job after another (two threads per process
spin against each other whenever anything else runs). The judge trains first, beside the four
painters compared at equal compute (the longest first), each of which measures its learning
curve as it trains; the checkpoints outside the contest come last. A painter that would
measure before the judge is saved waits for it, because its measurements are the judge's. The
whole run's wall time, each job's minutes and the machine go to benchmarks/retrain.json, shown
on the Performance page.
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
RECORD = ROOT / "benchmarks" / "retrain.json"
#: The painters compared at equal compute, each taking its learning curve as it trains; in the
#: order they start, the longest first (their budgets are equal in FLOPs, not in minutes: the
#: GAN's small batches use the processor least well; benchmarks/retrain.json has the minutes).
CONTEST = ("gan", "diffusion", "autoregressive", "vae")


def _estimate(name: str) -> float:
    """Seconds this checkpoint took last time (its committed manifest), or a long guess."""
    try:
        return float(json.loads((ROOT / "checkpoints" / f"{name}.json").read_text())["wall_seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return 3600.0


def _wait_for_judge() -> None:
    from painters.checkpoints import loading, store

    while True:
        try:
            loading.load_model("judge")
            return
        except store.CheckpointError:
            time.sleep(5)


_LANES: Any = None  # in each worker: a queue of free lanes (terminal lines for the progress bars)


def _init(lanes: Any) -> None:
    global _LANES
    _LANES = lanes


def _job(name: str, family: str, overrides: dict[str, Any], threads: int, device: str) -> dict[str, Any]:
    """One checkpoint, in its own process, on a free lane."""
    lane = _LANES.get()
    try:
        return _train(name, family, overrides, lane, threads, device)
    finally:
        _LANES.put(lane)


def _train(name: str, family: str, overrides: dict[str, Any], lane: int, threads: int, device: str) -> dict[str, Any]:
    from painters.core import machine
    from painters.families import fit
    from painters.training import run as training

    machine.use_threads(threads)
    fit.BAR_POSITION = lane
    start, cpu = time.time(), time.process_time()
    manifest = training.train_and_save(
        family, name=name, device=device, overrides=overrides, curve=name in CONTEST,
        before_measure=None if family == "judge" else _wait_for_judge,
    )  # fmt: skip
    return {
        "name": name,
        "lane": lane,
        "start": start,
        "end": time.time(),
        "train_seconds": manifest.wall_seconds,
        "cpu_seconds": round(time.process_time() - cpu, 1),  # this job's own CPU time, whatever else ran
    }


def main(argv: list[str] | None = None) -> int:
    from painters.core import machine
    from painters.families import fit, registry

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="checkpoints to retrain (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="trainings at a time (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per training (default 1)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    args = parser.parse_args(argv)
    known = {name: (family, overrides) for name, family, overrides in registry.CHECKPOINTS}
    unknown = sorted(set(args.names) - set(known))
    if unknown:
        parser.error(f"unknown checkpoint(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if args.jobs < 1 or args.threads < 1:
        parser.error("--jobs and --threads must be at least 1")
    machine.resolve_device(args.device)
    for family, overrides in known.values():  # every setting checked before minutes of training
        registry.config_of(family, overrides)
    names = args.names or list(known)
    # The judge first, beside it the contest's painters, the longest first (each measures its
    # learning curve as it trains, and the first of them waits for the judge at its first
    # point); the short checkpoints outside the contest fill the lanes at the end.
    judge_first = ["judge"] if "judge" in names else []
    contest = [n for n in CONTEST if n in names]
    others = sorted((n for n in names if n != "judge" and n not in CONTEST), key=_estimate, reverse=True)
    order = judge_first + contest + others
    if "judge" not in names:
        _wait_for_judge_or_fail()
    fit.training_set()  # render the shared training set once, before the jobs start
    started, load_before = time.time(), os.getloadavg()[0]
    results = []
    context = multiprocessing.get_context("spawn")
    lanes = context.Manager().Queue()
    for lane in range(args.jobs):
        lanes.put(lane)
    with context.Pool(args.jobs, initializer=_init, initargs=(lanes,), maxtasksperchild=1) as pool:
        pending = [pool.apply_async(_job, (name, *known[name], args.threads, args.device)) for name in order]
        for job in pending:
            results.append(job.get())
    wall = time.time() - started
    lanes: dict[int, float] = {}
    for r in results:
        lanes[r["lane"]] = lanes.get(r["lane"], 0.0) + r["cpu_seconds"]
    record = {
        "wall_seconds": round(wall, 1),
        # The busiest lane's CPU seconds: about what the run would take on an idle machine.
        "busiest_lane_cpu_seconds": round(max(lanes.values()), 1),
        "jobs": args.jobs,
        "threads_per_job": args.threads,
        "machine": machine.hardware().split(", torch")[0],
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "date": time.strftime("%Y-%m-%d"),
        "checkpoints": [
            {**r, "start": round(r["start"] - started, 1), "end": round(r["end"] - started, 1)} for r in results
        ],
        "complete": not args.names,
    }
    if not args.names:
        RECORD.write_text(json.dumps(record, indent=2) + "\n")
    for r in record["checkpoints"]:
        print(f"{r['name']:<16} lane {r['lane']}  {r['start'] / 60:5.1f} -> {r['end'] / 60:5.1f} min", file=sys.stderr)
    print(f"all done in {wall / 60:.1f} min on {record['machine']}", file=sys.stderr)
    return 0


def _wait_for_judge_or_fail() -> None:
    from painters.checkpoints import loading, store

    try:
        loading.load_model("judge")
    except store.CheckpointError as error:
        raise SystemExit(f"error: painters are measured by the judge, which is not usable: {error}") from None


if __name__ == "__main__":
    raise SystemExit(main())
