"""Timings that survive a busy machine: with a busy loop on every core, started
and stopped here, the steps-against-time and tokens-against-time rows the pages print still come
out in order, because every time on the site is taken the one way (gallery.timings: one thread,
a warm-up, interleaved rounds, the minimum)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import torch
from checkpoint_home import committed

from painters import canvas
from painters.families import diffusion
from painters.measure import claims_ar, timing


@pytest.fixture
def hogs() -> Iterator[None]:
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def test_diffusion_steps_against_time_stay_in_order_under_load(hogs: None) -> None:
    model = committed("diffusion")
    steps = (5, 10, 20, 40)

    def run(k: int):  # the same calls as snippets/diffusion/steps_vs_quality.py
        return lambda: diffusion.sample_images(model, canvas.SHARED_PROMPT, 8, seed=1, steps=k)

    t = timing.timings({str(k): run(k) for k in steps})
    times = [t.seconds[str(k)] for k in steps]
    assert times == sorted(times), times


def test_autoregressive_tokens_against_time_stay_in_order_under_load(hogs: None) -> None:
    committed("autoregressive")
    timing.token_timings.cache_clear()  # timed now, under the load, not read from earlier in this process
    t = timing.token_timings()  # the same calls as the ar-time-grows claim
    times = [t.seconds[f"{k} cached"] for k in timing.TOKEN_LENGTHS]
    assert times == sorted(times), times
    assert t.ratio("64 cached", "16 cached") >= claims_ar.TIME_MARGIN, times


def test_timings_fix_the_threads_and_restore_them() -> None:
    before = torch.get_num_threads()
    t = timing.timings({"a": lambda: None, "b": lambda: None}, repeats=2, threads=1)
    assert (t.threads, t.repeats) == (1, 2)
    assert torch.get_num_threads() == before
    assert set(t.seconds) == {"a", "b"}
