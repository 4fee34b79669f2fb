"""Train a family from scratch, measure it on the whole world, and save it with what made it.

This is what `python -m painters train NAME` and `make checkpoints` run. The family's own file
defines its networks, losses and training step; families/fit.py runs the steps;
measure/metrics.py measures the result; checkpoints/store.py writes the checkpoint and its
manifest, with the behaviour fingerprint that later loads compare against.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch

from painters.checkpoints import fingerprint, store
from painters.core import machine
from painters.families import fit, registry
from painters.measure import judge, metrics
from painters.training import budget, curves


def measure_model(family: str, model: Any) -> dict[str, Any]:
    """What a manifest records at save time: the judge's own accuracy, or a painter on the
    protocol of metrics.py (trained and held-out scenes apart)."""
    if not registry.get(family).paints:
        return dict(judge.evaluate(model))
    painter = registry.painter(family)

    def paint(prompts: list[str], seed: int) -> np.ndarray:
        return painter.sample_images(model, prompts, len(prompts), seed=seed)

    return {group: m.as_dict() for group, m in metrics.measure(paint).items()}


def train_and_save(
    family: str,
    *,
    name: str | None = None,
    seed: int = 0,
    device: str = "cpu",
    overrides: dict[str, Any] | None = None,
    directory: Path | None = None,
    progress: bool = True,
    before_measure: Callable[[], None] | None = None,
    curve: bool = False,
) -> store.Manifest:
    """Train a family from scratch with its default config (plus overrides) and save it, with its
    training compute counted (budget.py) and, with `curve`, its learning curve (curves.py).

    Everything that can be refused (the family, the name, the settings, the device) is checked
    before any work starts. `before_measure` runs before the first measurement (make checkpoints
    uses it to wait for the judge that measures).
    """
    module = registry.module(family)
    name = registry.check_name(name or family)
    if registry.family_of(name) != family:
        raise ValueError(f"checkpoint name {name!r} must start with its family, e.g. {family}-{name}")
    config = registry.config_of(family, dict(overrides or {}))
    torch_device = machine.resolve_device(device)
    if curve and not registry.get(family).paints:
        raise ValueError(f"{family} does not paint: it has no learning curve to take")
    compute = budget.count(family, config)
    snapshots = curves.Snapshots(family, compute, before_first=before_measure) if curve else None
    start = time.perf_counter()
    with fit.observed(snapshots) if snapshots is not None else contextlib.nullcontext():
        model, history = module.train(config, seed=seed, device=torch_device, progress=progress)
    wall = snapshots.training_seconds() if snapshots is not None else time.perf_counter() - start
    model = model.cpu().eval()
    if snapshots is None and before_measure is not None:
        before_measure()
    config_dict = asdict(config)
    manifest = store.Manifest(
        name=name,
        family=family,
        config=config_dict,
        fingerprint=fingerprint.of(module.probe(model)),
        seed=seed,
        steps=int(getattr(config, "steps", 0)),
        wall_seconds=round(wall, 1),
        hardware=machine.hardware() if torch_device.type == "cpu" else torch.cuda.get_device_name(0),
        device=torch_device.type,
        torch_version=torch.__version__,
        metrics=_final(snapshots) if snapshots is not None else measure_model(family, model),
        threads=torch.get_num_threads(),
        compute=compute.as_dict(),
    )
    curve_data = snapshots.curve() if snapshots is not None else None
    store.save_checkpoint(manifest, model.state_dict(), history, directory, curve=curve_data)
    return manifest


def _final(snapshots: curves.Snapshots) -> dict[str, Any]:
    """The last point of the curve, taken at the end of training: what the manifest records."""
    if snapshots.final is None:
        raise RuntimeError("the learning curve has no point at the end of training")
    return {group: m.as_dict() for group, m in snapshots.final.items()}
