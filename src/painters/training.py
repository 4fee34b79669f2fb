"""One fit loop for every model: seeding, batches, a progress bar, the loss history, saving.

A family file defines its networks and one training step; this file runs the steps. Training
is deterministic for a seed on one machine: the same seed, the same number of threads and the
same torch build give the same weights, byte for byte.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm import tqdm  # the terminal bar everywhere: tqdm.auto wants ipywidgets in a notebook

from painters import store
from painters.world import Dataset

FAMILIES = ("gan", "vae", "diffusion", "autoregressive")
MAX_SAMPLES = 4096  # the most images one call paints
TRAINABLE = ("judge", *FAMILIES)
CACHE_DIR = store.REPO_DIR / ".cache"

StepFn = Callable[[int, "Batch"], dict[str, float]]


class Batch:
    """A training batch on the training device: images in [-1, 1], caption tokens, labels."""

    def __init__(self, images: torch.Tensor, tokens: torch.Tensor, labels: torch.Tensor) -> None:
        self.images = images  # (B, 3, 32, 32) float in [-1, 1]
        self.tokens = tokens  # (B, L) int64
        self.labels = labels  # (B, 4) int64

    def __len__(self) -> int:
        return int(self.images.shape[0])


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch; return a torch generator for the run's own draws."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def resolve_device(name: str) -> torch.device:
    """'cpu' or 'cuda'; asking for a GPU that is not there is an error, not a silent fallback."""
    if name not in ("cpu", "cuda"):
        raise ValueError(f"device {name!r}: use 'cpu' or 'cuda'")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: no CUDA GPU is visible to torch here; use --device cpu")
    return torch.device(name)


def batches(data: Dataset, batch_size: int, generator: torch.Generator, device: torch.device) -> Iterator[Batch]:
    """Endless random batches (with replacement), drawn from a seeded generator."""
    images = torch.from_numpy(data.images).to(device)  # uint8 stays small on the device
    tokens = torch.from_numpy(data.tokens).to(device)
    labels = torch.from_numpy(data.labels).to(device)
    while True:
        index = torch.randint(len(data), (batch_size,), generator=generator).to(device)
        x = images[index].permute(0, 3, 1, 2).float() / 127.5 - 1.0
        yield Batch(x.contiguous(memory_format=torch.channels_last), tokens[index], labels[index])


def fit(
    step: StepFn,
    data: Dataset,
    *,
    steps: int,
    batch_size: int,
    generator: torch.Generator,
    device: torch.device,
    desc: str,
    progress: bool = True,
    log_every: int = 10,
) -> dict[str, list[float]]:
    """Run `steps` training steps; return each loss averaged over every `log_every` steps."""
    history: dict[str, list[float]] = {}
    window: dict[str, list[float]] = {}
    bar = tqdm(total=steps, desc=desc, disable=not progress, unit="step", dynamic_ncols=True)
    source = batches(data, batch_size, generator, device)
    for i in range(steps):
        losses = step(i, next(source))
        for key, value in losses.items():
            window.setdefault(key, []).append(float(value))
        if (i + 1) % log_every == 0 or i + 1 == steps:
            for key, values in window.items():
                history.setdefault(key, []).append(round(sum(values) / len(values), 5))
            bar.set_postfix({k: f"{v[-1]:.3f}" for k, v in history.items()}, refresh=False)
            window = {}
        bar.update(1)
    bar.close()
    history["step"] = [float(min((j + 1) * log_every, steps)) for j in range(len(next(iter(history.values()))))]
    return history


def family_module(name: str) -> ModuleType:
    """The module that defines a family (or the judge), with a clear error for a wrong name."""
    if name not in TRAINABLE:
        raise ValueError(f"unknown family {name!r}; choose one of: {', '.join(TRAINABLE)}")
    return importlib.import_module(f"painters.{name}")


def train_and_save(
    family: str,
    *,
    name: str | None = None,
    seed: int = 0,
    device: str = "cpu",
    overrides: dict[str, Any] | None = None,
    directory: Path = store.CHECKPOINTS,
    progress: bool = True,
) -> store.Manifest:
    """Train a family from scratch with its default config (plus overrides) and save it."""
    module = family_module(family)
    config = module.Config(**(overrides or {}))
    torch_device = resolve_device(device)
    start = time.perf_counter()
    model, history = module.train(config, seed=seed, device=torch_device, progress=progress)
    wall = time.perf_counter() - start
    model = model.cpu().eval()
    metrics = module.evaluate(model) if hasattr(module, "evaluate") else {}
    config_dict = asdict(config)
    manifest = store.Manifest(
        name=name or family,
        family=family,
        config=config_dict,
        source_hash=store.source_hash(family, config_dict),
        seed=seed,
        steps=int(getattr(config, "steps", 0)),
        wall_seconds=round(wall, 1),
        hardware=store.hardware() if torch_device.type == "cpu" else torch.cuda.get_device_name(0),
        device=torch_device.type,
        torch_version=torch.__version__,
        metrics=metrics,
    )
    store.save_checkpoint(manifest, model.state_dict(), history, directory)
    return manifest


def load_model(name: str, directory: Path = store.CHECKPOINTS) -> tuple[nn.Module, store.Manifest]:
    """Rebuild a model from its checked checkpoint, ready to sample (eval mode, CPU)."""
    weights, manifest = store.load_checkpoint(name, directory)
    module = family_module(manifest.family)
    model = module.build(module.Config(**manifest.config))
    model.load_state_dict(weights)
    return model.eval(), manifest


# --- sampling for the pages ---------------------------------------------------------------------


def check_count(n: int) -> None:
    """Refuse a sample count that is not a whole number between 1 and MAX_SAMPLES, before any work."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"n={n!r} images: ask for between 1 and {MAX_SAMPLES}")


@functools.cache
def _loaded(name: str) -> tuple[nn.Module, store.Manifest]:
    return load_model(name)


def paint(family: str, prompt: str, n: int, seed: int = 0, **options: Any) -> np.ndarray:
    """n samples of a prompt from a committed painter, as (n, 32, 32, 3) uint8.

    The same as `family.sample_images(load_model(family), ...)`, with two caches so that
    `mkdocs serve` rebuilds in seconds: the model stays loaded for the whole build, and the
    images are kept in .cache/samples under a key made of everything that decides them (the
    weights' sha256, the family's source hash, the prompt, n, the seed and the options).
    """
    module = family_module(family)  # an unknown family is refused before any checkpoint is looked for
    check_count(n)
    model, manifest = _loaded(family)
    request = json.dumps([manifest.weights_sha256, manifest.source_hash, prompt, n, seed, options], sort_keys=True)
    path = CACHE_DIR / "samples" / f"{family}-{hashlib.sha256(request.encode()).hexdigest()[:24]}.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    images: np.ndarray = module.sample_images(model, prompt, n, seed=seed, **options)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, images, allow_pickle=False)
    tmp.replace(path)
    return images


@dataclass
class FamilyReport:
    """One painter measured for the pages: the judge's metrics and its time per image."""

    family: str
    trained: Any  # judge.Measurement over judge.EVAL_SCENES
    held_out: Any  # judge.Measurement over world.HELD_OUT
    seconds_batch_1: float
    seconds_batch_64: float


def network_passes(family: str) -> int:
    """How many network passes in sequence one image costs, from the committed config: one for
    the GAN's generator and the VAE's decoder, one per denoising step for diffusion (the guided
    pair shares a batch), one per token for the autoregressive painter plus its tokenizer's decode.

    Unlike a time, this does not change from one build to the next, so a page can rank by it.
    """
    _, manifest = _loaded(family)
    if family == "diffusion":
        return int(manifest.config["sample_steps"])
    if family == "autoregressive":
        from painters import autoregressive

        return autoregressive.LENGTH + 1
    return 1


def reference_renders(scenes: tuple[Any, ...], n: int = 64) -> tuple[np.ndarray, ...]:
    """The real renders a painter is measured against: exactly those `judge.measure` draws (n per
    scene, seeds 30000, 30001, ...), drawn once per build and shared by every painter and page.

    Rendering them is most of what measuring a painter costs (~2.8 s of ~3.1 s on the 2-core
    machine for 12 scenes x 64), so without this a build drew the same 768 pictures five times.
    Each call gets its own copy (a few MB): one page cannot change another's reference.
    """
    return tuple(images.copy() for images in _reference_renders(tuple(scenes), n))


@functools.lru_cache(maxsize=8)
def _reference_renders(scenes: tuple[Any, ...], n: int) -> tuple[np.ndarray, ...]:
    from painters import world

    return tuple(world.render_many([scene] * n, seed=30_000 + i) for i, scene in enumerate(scenes))


def measure_against_reference(paint: Callable[[str, int, int], np.ndarray], scenes: Any, n: int = 64) -> Any:
    """`judge.measure(paint, scenes, n)`, the same numbers, with the reference renders shared."""
    from painters import judge

    scenes = tuple(scenes)
    return judge.compare([paint(scene.prompt, n, 0) for scene in scenes], reference_renders(scenes, n), scenes)


@functools.cache
def measure_family(family: str, n: int = 64) -> FamilyReport:
    """Measure a committed painter once per build (pages share the result): n samples for each
    of the eight evaluation prompts and the four held-out ones, and live timings."""
    from painters import judge, world

    def painting(prompt: str, count: int, seed: int) -> np.ndarray:
        return paint(family, prompt, count, seed)

    model, _ = _loaded(family)
    module = family_module(family)

    def timed(batch: int) -> object:
        return module.sample_images(model, world.SHARED_PROMPT, batch, seed=0)

    return FamilyReport(
        family=family,
        trained=measure_against_reference(painting, judge.EVAL_SCENES, n),
        held_out=measure_against_reference(painting, world.HELD_OUT, n),
        seconds_batch_1=judge.seconds_per_image(timed, 1),
        seconds_batch_64=judge.seconds_per_image(timed, 64, repeats=1),
    )
