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

from painters import canvas
from painters.canvas import dataset
from painters.checkpoints import fingerprint, store
from painters.core import folders, machine, paths
from painters.families import fit, registry
from painters.measure import judge, metrics
from painters.training import budget, curves

#: The largest networks a run may build (the project's painters hold under 10 MB of weights):
#: beyond it, settings like width=1024 with batch=4096 would run the machine out of memory.
MAX_MODEL_BYTES = 1 << 30
HISTORY_BYTES_PER_STEP = 16  # the loss history keeps a few rounded numbers every 10 steps
WRITE_FIX = "set PAINTERS_HOME to a project folder you can write in"


def measure_model(family: str, model: Any) -> dict[str, Any]:
    """What a manifest records at save time: the judge's own accuracy, or a painter on the
    protocol of metrics.py (trained and held-out scenes apart)."""
    if not registry.get(family).paints:
        return dict(judge.evaluate(model))
    painter = registry.painter(family)

    def paint(prompts: list[str], seed: int) -> np.ndarray:
        return painter.sample_images(model, prompts, len(prompts), seed=seed)

    return {group: m.as_dict() for group, m in metrics.measure(paint).items()}


measure_model.needs_judge = True  # type: ignore[attr-defined]  # (a stand-in for it, in tests, needs nothing)


def preflight(family: str, name: str, config: Any, seed: int, directory: Path, *, measuring: bool) -> None:
    """Everything a run will need, checked before its first step (a diffusion run takes most of
    an hour; none of this may fail after it): networks the settings can build, of a sane size;
    the checkpoints folder and the cache folder writable, with room; and, for a painter measured
    at the end, a judge that loads."""
    module = registry.module(family)
    try:
        with torch.device("meta"):  # shapes only: nothing is allocated, whatever the settings
            shapes = module.build(config).state_dict()
    except (ValueError, TypeError, RuntimeError, AssertionError, ZeroDivisionError) as error:
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise ValueError(f"{family} with these settings cannot be built ({detail}); change the --set values") from None
    size = sum(t.numel() * t.element_size() for t in shapes.values())
    if size > MAX_MODEL_BYTES:
        raise ValueError(
            f"{family} with these settings would hold {folders.megabytes(size)} of weights (at most "
            f"{folders.megabytes(MAX_MODEL_BYTES)}); ask for smaller widths or fewer layers"
        )
    steps = sum(int(getattr(config, key, 0)) for key in ("steps", "vq_steps"))
    need = size + steps * HISTORY_BYTES_PER_STEP + (1 << 16)
    folders.check(directory, need, f"saving checkpoint {name!r}", WRITE_FIX)
    n, data_seed, scenes = (
        (fit.TRAINING_IMAGES, 0, canvas.TRAIN_SCENES)
        if registry.get(family).paints
        else (int(getattr(config, "real_images", 0)), seed, canvas.ALL_SCENES)
    )
    entry = dataset.cache_entry(n, data_seed, scenes, paths.CACHE_DIR)
    folders.check(paths.CACHE_DIR, 0 if entry.is_file() else dataset.entry_bytes(n), "the cache", WRITE_FIX)
    if measuring and registry.get(family).paints and getattr(measure_model, "needs_judge", False) is True:
        try:
            judge.load_judge()
        except store.CheckpointError as error:
            raise store.CheckpointError(f"the judge measures {name} after training, and it cannot: {error}") from None


def check_trained(family: str, model: Any, history: dict[str, list[float]]) -> None:
    """A trained model is saved only if every weight, every logged loss and what its networks
    compute are finite numbers: a run that diverged (NaN) is refused, not saved."""
    broken = [k for k, v in model.state_dict().items() if v.is_floating_point() and not bool(torch.isfinite(v).all())]
    broken += [f"the {k} history" for k, v in history.items() if not all(np.isfinite(v))]
    if not broken:
        probes = registry.module(family).probe(model)
        broken = [f"what {k} computes" for k, v in probes.items() if not bool(torch.isfinite(v).all())]
    if broken:
        raise ValueError(
            f"training diverged: NaN or infinity in {len(broken)} place(s), e.g. {broken[0]}; nothing was saved. "
            "Train again with a smaller learning rate (--set lr=...)"
        )


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
    canvas.check_seed(seed)
    torch_device = machine.resolve_device(device)
    if curve and not registry.get(family).paints:
        raise ValueError(f"{family} does not paint: it has no learning curve to take")
    directory = directory or paths.CHECKPOINTS_DIR
    preflight(family, name, config, seed, directory, measuring=before_measure is None)
    compute = budget.count(family, config)
    snapshots = curves.Snapshots(family, compute, before_first=before_measure) if curve else None
    start = time.perf_counter()
    with fit.observed(snapshots) if snapshots is not None else contextlib.nullcontext():
        model, history = module.train(config, seed=seed, device=torch_device, progress=progress)
    wall = snapshots.training_seconds() if snapshots is not None else time.perf_counter() - start
    model = model.cpu().eval()
    check_trained(family, model, history)
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
