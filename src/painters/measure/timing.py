"""Timing, the one way every time on the site is taken: threads fixed, a warm-up, interleaved
repeats, the minimum kept, and where it was taken (machine and load) said beside it. Each
timing a page quotes is taken once per build and shared by every page that quotes it."""

from __future__ import annotations

import dataclasses
import functools
import html
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from painters import canvas
from painters.checkpoints import loading
from painters.core import machine
from painters.families import registry


@dataclass(frozen=True)
class Timings:
    """Seconds per call of several things, timed against each other, and where they were timed."""

    seconds: dict[str, float]  # the minimum over the repeats
    spread: dict[str, float]  # (median - minimum) / minimum over the repeats: how noisy
    repeats: int
    threads: int
    load_average: float  # the machine's 1-minute load average when timing began
    machine: str

    def ratio(self, a: str, b: str) -> float:
        return self.seconds[a] / self.seconds[b]

    def where(self) -> str:
        """Where and how these were timed, as HTML: 'AMD EPYC, 2 cores, torch using 1 thread(s);
        load average 0.4 when timed; minimum of 5 interleaved runs after a warm-up' (the load
        average is marked as measured: it differs from one build to the next)."""
        load = f'<span class="measured">{self.load_average:.1f}</span>'
        return (
            f"{html.escape(self.machine)}; load average {load} when timed; "
            f"minimum of {self.repeats} interleaved runs after a warm-up"
        )


def timings(things: dict[str, Callable[[], object]], repeats: int = 5, *, threads: int = 1) -> Timings:
    """Time several things the one way every time on the site is taken: torch threads fixed, one
    warm-up call each, then `repeats` rounds that call each thing once in turn (so a busy
    moment hits them all alike), keeping each one's minimum."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        for run in things.values():
            run()
        runs: dict[str, list[float]] = {name: [] for name in things}
        for _ in range(repeats):
            for name, run in things.items():
                start = time.perf_counter()
                run()
                runs[name].append(time.perf_counter() - start)
        where = machine.hardware()
    finally:
        torch.set_num_threads(before)
    best = {name: min(values) for name, values in runs.items()}
    spread = {name: (float(np.median(values)) - best[name]) / best[name] for name, values in runs.items()}
    return Timings(best, spread, repeats, threads, load, where)


def painter_timings(batch: int = 1) -> Any:
    """Seconds per picture of every committed painter at one batch size, timed against each
    other (gallery.timings: a warm-up, interleaved rounds, the minimum, one thread). Once per
    build for each batch size."""
    return _painter_timings(batch)


@functools.cache
def _painter_timings(batch: int) -> Any:
    def painting(family: str) -> Any:
        model, _ = loading.load_model(family)
        sample = registry.painter(family).sample_images
        return lambda: sample(model, canvas.SHARED_PROMPT, batch, seed=0)

    t = timings({family: painting(family) for family in registry.painters()})
    return dataclasses.replace(t, seconds={k: v / batch for k, v in t.seconds.items()})


@functools.cache
def token_timings() -> Timings:
    """Seconds for 16, 32 and 64 tokens (8 pictures) with the KV cache and without, timed against
    each other once per build: keys "16 cached", "16 full", ... The autoregressive chapter's
    table and its claim both read this one timing."""
    from painters.families import autoregressive

    model, _ = loading.load_model("autoregressive")
    tokens = torch.tensor([canvas.encode(canvas.SHARED_PROMPT)] * 8)

    def run(length: int, cache: bool) -> Callable[[], object]:
        return lambda: autoregressive.sample_tokens(
            model, tokens, torch.Generator().manual_seed(0), length=length, use_cache=cache
        )

    return timings({f"{n} {kind}": run(n, kind == "cached") for n in TOKEN_LENGTHS for kind in ("cached", "full")})


TOKEN_LENGTHS = (16, 32, 64)
