"""Learning curves: a painter measured at fixed shares of its training budget, as it trains.

While a painter trains (training/run.py), an observer of the fit loop (families/fit.observed)
counts the steps done and, at the step where the compute spent reaches 1/16, 1/8, 1/4, 1/2
and all of the run's total (training/budget.py), takes a copy of the model and measures it with
the protocol the pages use (measure/metrics.py), intervals included. The points, with the
protocol they were measured on, are written beside the checkpoint (NAME.curve.json); the
snapshots' weights are not kept: `make checkpoints` makes them again.

Measuring takes time that is not training: it is left out of the minutes each point records.
"""

from __future__ import annotations

import copy
import functools
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from painters import canvas
from painters.families import registry
from painters.measure import metrics
from painters.training.budget import Compute

FRACTIONS = (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0)


@functools.lru_cache(maxsize=4)
def _reference(scenes: tuple[canvas.Scene, ...], n: int) -> np.ndarray:
    return metrics.reference(scenes, n)


def measure_painter(family: str, model: nn.Module) -> dict[str, metrics.Measurement]:
    """A painter's model on the protocol (metrics.measure), painting through its own sampler; the
    real renders it is compared with are drawn once per run."""
    painter = registry.painter(family)

    def paint(prompts: list[str], seed: int) -> np.ndarray:
        return painter.sample_images(model, prompts, len(prompts), seed=seed)

    return metrics.measure(paint, reals=lambda scenes, n: _reference(tuple(scenes), n).copy())


class Snapshots:
    """The fit-loop observer that measures a painter at each share of its compute."""

    def __init__(self, family: str, compute: Compute, *, before_first: Callable[[], None] | None = None) -> None:
        self.family, self.compute = family, compute
        total = compute.total
        self.targets = [(f, next(s for s in range(1, compute.steps + 1) if compute.cumulative(s) >= f * total - 1e-6))
                        for f in FRACTIONS]  # fmt: skip
        self.points: list[dict[str, Any]] = []
        self.loop, self.offset, self.last = "", 0, 0
        self.started = time.perf_counter()
        self.measuring = 0.0  # seconds spent measuring, left out of the training time
        self.before_first = before_first
        self.final: dict[str, metrics.Measurement] | None = None

    def training_seconds(self) -> float:
        return time.perf_counter() - self.started - self.measuring

    def __call__(self, model: nn.Module, loop: str, done: int) -> None:
        if loop != self.loop:  # the next loop of a two-stage run: its steps come after the last one's
            self.offset += self.last
            self.loop = loop
        self.last = done
        step = self.offset + done
        for fraction, target in self.targets:
            if target == step and not any(p["fraction"] == fraction for p in self.points):
                self.take(model, fraction, step)

    def take(self, model: nn.Module, fraction: float, step: int) -> None:
        seconds = self.training_seconds()
        start = time.perf_counter()
        if self.before_first is not None:
            self.before_first()  # e.g. wait for the judge that measures
            self.before_first = None
        states = (torch.get_rng_state(), np.random.get_state(), random.getstate())
        snapshot = copy.deepcopy(model).eval()  # the training run's own model is left as it was
        measured = measure_painter(self.family, snapshot)
        torch.set_rng_state(states[0])
        np.random.set_state(states[1])
        random.setstate(states[2])
        self.points.append(
            {
                "fraction": fraction,
                "step": step,
                "pflop": round(self.compute.cumulative(step) / 1e15, 6),
                "minutes": round(seconds / 60, 2),
                "metrics": {group: m.as_dict() for group, m in measured.items()},
            }
        )
        if fraction == 1.0:
            self.final = measured
        self.measuring += time.perf_counter() - start

    def curve(self) -> dict[str, Any]:
        """What NAME.curve.json holds."""
        return {
            "family": self.family,
            "compute": self.compute.as_dict(),
            "protocol": metrics.protocol(),
            "points": self.points,
        }
