"""Training compute, counted: how many floating-point operations a family's training spends.

The four painters are compared at equal compute: each trains on the same budget, BUDGET FLOPs.
A step's FLOPs are counted, not guessed, by torch's own counter (torch.utils.flop_counter,
which counts the matrix products and convolutions of the forward and the backward pass) on
short runs of the family's real training code with its real configuration: per phase of
training (families/registry.Phase), a run of K steps and one of 2K steps, the difference over
K. Everything a run spends besides its steps (the autoregressive painter encoding its training
set into tokens once) is what a K-step run spends beyond K steps of each phase it starts with.

The counter's per-module bookkeeping (backward hooks) cannot follow a gradient of a gradient
(the GAN's R1 penalty takes one), so it counts here with one global tally instead: the R1
steps' double backward is counted like every other operation. Elementwise work (activations,
normalisation, the optimiser's updates) is not counted; it is small beside the products.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils.flop_counter import FlopCounterMode

from painters import canvas
from painters.families import registry

#: The budget every painter trains on, in FLOPs (0.1 PFLOP).
BUDGET = 1.0e14
#: Steps of each counting run (and twice as many): a multiple of every periodic step (R1 every 4th).
K = 16
#: A budget is met when the counted total is within this share of BUDGET.
TOLERANCE = 0.02


class _Everything:
    """The counter's module tracker, replaced: every operation is counted under one name."""

    parents = frozenset({"Global"})

    def __enter__(self) -> _Everything:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class FlopCounter(FlopCounterMode):
    """torch's FlopCounterMode with one global tally, so a double backward is counted too."""

    def __init__(self) -> None:
        super().__init__(display=False)
        self.mod_tracker = _Everything()  # type: ignore[assignment]


@dataclass(frozen=True)
class Compute:
    """A training run's compute: per phase, FLOPs a step and steps; what the run spends besides
    its steps; and the total."""

    phases: dict[str, tuple[float, int]]  # name -> (FLOPs per step, steps), in training order
    fixed: float  # FLOPs spent besides the steps
    counted_steps: int = K
    fixed_at: int = 0  # after how many steps the fixed part is spent (the start of the last loop)

    @property
    def total(self) -> float:
        return self.fixed + sum(per_step * steps for per_step, steps in self.phases.values())

    def as_dict(self) -> dict[str, Any]:
        """For a manifest: GFLOP per step, steps, and the totals in PFLOP."""
        return {
            "phases": {name: {"gflop_per_step": round(f / 1e9, 4), "steps": n} for name, (f, n) in self.phases.items()},
            "fixed_gflop": round(self.fixed / 1e9, 3),
            "total_pflop": round(self.total / 1e15, 6),
            "budget_pflop": BUDGET / 1e15,
            "counted_with": (
                f"torch.utils.flop_counter with one global tally, runs of {self.counted_steps} and "
                f"{2 * self.counted_steps} steps of each phase; the R1 penalty's double backward included"
            ),
        }

    def cumulative(self, step: int) -> float:
        """FLOPs spent after `step` steps of the whole run: the phases one after another, the
        fixed part once `fixed_at` steps are done (what a two-loop run does between its loops)."""
        spent, left = (self.fixed if step >= self.fixed_at else 0.0), step
        for per_step, steps in self.phases.values():
            spent += per_step * min(left, steps)
            left -= min(left, steps)
        return spent

    @property
    def steps(self) -> int:
        return sum(steps for _, steps in self.phases.values())


def count(family: str, config: Any, data: canvas.Dataset | None = None, k: int = K) -> Compute:
    """Count a family's training compute for a config (its real networks and training steps, on
    the shared training set unless `data` is given; each counting run trains from seed 0)."""
    from painters.families import fit

    module = registry.module(family)
    phases = registry.phases(family, config)
    data = data if data is not None else fit.training_set()
    values = json.loads(json.dumps(dataclasses.asdict(config)))
    base = {phase.field: k for phase in phases}
    runs: dict[str, float] = {}

    def flops(settings: dict[str, Any]) -> float:
        key = json.dumps(settings, sort_keys=True)
        if key not in runs:
            short = registry.config_of(family, {**values, **settings})
            threads = torch.get_num_threads()
            with FlopCounter() as counter:
                module.train(short, seed=0, device=torch.device("cpu"), progress=False, data=data)
            torch.set_num_threads(threads)
            runs[key] = float(counter.get_total_flops())
        return runs[key]

    per_step = {}
    for phase in phases:
        one = flops({**base, **phase.counting})
        two = flops({**base, **phase.counting, phase.field: 2 * k})
        per_step[phase.name] = (two - one) / k
    fixed = flops(base) - k * sum(per_step[p.name] for p in phases if p.first)
    last_loop = next(i for i, p in enumerate(phases) if p.field == phases[-1].field)
    fixed_at = sum(p.steps for p in phases[:last_loop])
    return Compute({p.name: (per_step[p.name], p.steps) for p in phases}, max(fixed, 0.0), k, fixed_at)


def steps_for_budget(compute: Compute, budget: float = BUDGET) -> dict[str, int]:
    """How many steps each phase would take for the run to spend `budget`, keeping the phases'
    shares of the steps (for choosing a config's step counts: scripts/budget.py)."""
    scale = (budget - compute.fixed) / (compute.total - compute.fixed)
    return {name: round(steps * scale) for name, (_, steps) in compute.phases.items()}
