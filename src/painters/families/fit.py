"""The one fit loop every model trains with: seeding, batches, a progress bar, the loss history.

A family file defines its networks, its losses and one training step; this file runs the
steps. Training is deterministic for a seed on one machine: the same seed, the same number of
threads and the same torch build give the same weights, byte for byte.

Also here, because every family needs them in the same form: the shared training set (one
cached set of captioned renders for all families), the examples a loop draws batches from
(pictures, or the autoregressive painter's token grids), and the moving-average update of a
sampling copy of a network.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np
import torch
from torch import nn
from tqdm import tqdm  # the terminal bar everywhere: tqdm.auto wants ipywidgets in a notebook

from painters import canvas
from painters.core import paths

TRAINING_IMAGES = 30_000  # the shared training set: captioned renders of every trained scene
BAR_POSITION = 0  # which terminal line this process's progress bar uses (make checkpoints runs two)


@dataclass
class Batch:
    """A batch of pictures on the training device."""

    images: torch.Tensor  # (B, 3, 32, 32) float in [-1, 1], channels_last
    tokens: torch.Tensor  # (B, MAX_WORDS) int64 caption tokens
    labels: torch.Tensor  # (B, 4) int64 attribute labels
    layouts: torch.Tensor  # (B, len(canvas.LAYOUT_FIELDS)) float32, NaN where there is no object

    def __len__(self) -> int:
        return int(self.images.shape[0])


@dataclass
class CodeBatch:
    """A batch of token grids (the autoregressive painter's pictures) on the training device."""

    codes: torch.Tensor  # (B, length) int64 codebook ids
    tokens: torch.Tensor  # (B, MAX_WORDS) int64 caption tokens

    def __len__(self) -> int:
        return int(self.codes.shape[0])


B = TypeVar("B", Batch, CodeBatch, covariant=True)


class Examples(Protocol[B]):
    """What a fit loop draws batches from."""

    def __len__(self) -> int: ...

    def take(self, index: torch.Tensor) -> B: ...


class Pictures:
    """A canvas.Dataset on the training device (pixels stay uint8 there: 4x smaller)."""

    def __init__(self, data: canvas.Dataset, device: torch.device) -> None:
        self.images = torch.from_numpy(data.images).to(device)
        self.tokens = torch.from_numpy(data.tokens).to(device)
        self.labels = torch.from_numpy(data.labels).to(device)
        self.layouts = torch.from_numpy(data.layouts).to(device)

    def __len__(self) -> int:
        return len(self.images)

    def take(self, index: torch.Tensor) -> Batch:
        x = self.images[index].permute(0, 3, 1, 2).float() / 127.5 - 1.0
        return Batch(
            x.contiguous(memory_format=torch.channels_last), self.tokens[index], self.labels[index], self.layouts[index]
        )


class Codes:
    """Token grids with their captions, for the autoregressive painter's transformer."""

    def __init__(self, codes: torch.Tensor, tokens: torch.Tensor) -> None:
        if codes.dtype != torch.int64 or codes.ndim != 2 or len(codes) != len(tokens):
            raise ValueError(
                f"codes must be (N, length) int64 beside N captions, got {codes.dtype} {tuple(codes.shape)}"
            )
        self.codes, self.tokens = codes, tokens

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, index: torch.Tensor) -> CodeBatch:
        return CodeBatch(self.codes[index], self.tokens[index])


def training_set(n: int = TRAINING_IMAGES, seed: int = 0) -> canvas.Dataset:
    """The captioned renders every painter trains on (the same set for all: rendered once, kept
    in the cache folder and checked on every read)."""
    return canvas.make_dataset(n, seed, canvas.TRAIN_SCENES, cache=paths.CACHE_DIR)


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch; return a torch generator for the run's own draws."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def batches(examples: Examples[B], batch_size: int, generator: torch.Generator) -> Iterator[B]:
    """Endless random batches (with replacement), drawn from a seeded generator."""
    while True:
        yield examples.take(torch.randint(len(examples), (batch_size,), generator=generator))


#: Called after every training step of every loop, with the model being trained and the loop's
#: name and step: how training/run.py takes learning-curve snapshots without the families knowing.
Observer = Callable[[nn.Module, str, int], None]
_OBSERVER: contextvars.ContextVar[Observer | None] = contextvars.ContextVar("painters_fit_observer", default=None)


@contextlib.contextmanager
def observed(observer: Observer) -> Iterator[None]:
    """Inside, every fit loop calls observer(model, desc, steps done) after each step."""
    token = _OBSERVER.set(observer)
    try:
        yield
    finally:
        _OBSERVER.reset(token)


def fit(
    step: Callable[[int, B], dict[str, float]],
    examples: Examples[B],
    *,
    steps: int,
    batch_size: int,
    generator: torch.Generator,
    desc: str,
    progress: bool = True,
    log_every: int = 10,
    model: nn.Module | None = None,
) -> dict[str, list[float]]:
    """Run `steps` training steps; return each loss averaged over every `log_every` steps. `model`
    is what an observer (see `observed`) is shown after each step."""
    if steps < 1:
        raise ValueError(f"steps={steps}: train for at least one step")
    history: dict[str, list[float]] = {}
    window: dict[str, list[float]] = {}
    bar = tqdm(total=steps, desc=desc, disable=not progress, unit="step", dynamic_ncols=True, position=BAR_POSITION)
    source = batches(examples, batch_size, generator)
    observer = _OBSERVER.get()
    for i in range(steps):
        losses = step(i, next(source))
        if observer is not None and model is not None:
            observer(model, desc, i + 1)
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


@torch.no_grad()
def ema_update(average: nn.Module, model: nn.Module, decay: float, step: int) -> None:
    """Move a sampling copy towards the trained network: average = decay * average + (1 - decay) * model.

    The decay starts short ((1 + step) / (10 + step)) while the network is still poor, and
    buffers (batch-norm statistics) are copied as they are.
    """
    d = min(decay, (1 + step) / (10 + step))
    for p_avg, p in zip(average.parameters(), model.parameters(), strict=True):
        p_avg.lerp_(p, 1 - d)
    for b_avg, b in zip(average.buffers(), model.buffers(), strict=True):
        b_avg.copy_(b)
