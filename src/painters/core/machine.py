"""The machine: how many torch threads, which device, and what to call the hardware."""

from __future__ import annotations

import os
import platform

import torch


def use_threads(threads: int | None = None) -> int:
    """Fix torch's CPU threads for this process: `threads`, else $PAINTERS_THREADS, else 1.

    One thread is the default everywhere (the build, the tests, the command line): the work is
    small, and on a shared 2-core machine two threads per process wait on each other whenever
    anything else runs (docs/performance.md has the measurement).
    """
    what = f"threads={threads}"
    if threads is None:
        text = os.environ.get("PAINTERS_THREADS", "1")
        shown = text if len(text) <= 30 else f"{text[:20]}... ({len(text)} characters)"
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise ValueError(f"PAINTERS_THREADS={shown!r}: give a whole number of threads, from 1 to {thread_limit()}")
        threads, what = int(text), f"PAINTERS_THREADS={shown}"
    if threads < 1:
        raise ValueError(f"{what}: at least 1")
    if threads > thread_limit():
        raise ValueError(f"{what}: at most {thread_limit()} on this machine ({os.cpu_count()} cores)")
    torch.set_num_threads(threads)
    return threads


def thread_limit() -> int:
    """The most torch threads a process may ask for: far more than helps, far fewer than break."""
    return max(64, 4 * (os.cpu_count() or 1))


def resolve_device(name: str) -> torch.device:
    """'cpu' or 'cuda'; asking for a GPU that is not there is an error, not a silent fallback."""
    if name not in ("cpu", "cuda"):
        raise ValueError(f"device {name!r}: use 'cpu' or 'cuda'")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: no CUDA GPU is visible to torch here; use --device cpu")
    return torch.device(name)


def cpu_name() -> str:
    """The processor's model name (from /proc/cpuinfo where there is one)."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), platform.machine()
            )
    except OSError:
        return platform.machine()


def hardware() -> str:
    """A short description of the machine, for manifests and captions."""
    if torch.cuda.is_available():
        gpu = torch.cuda.get_device_name(0)
        return f"{gpu} (CUDA), {platform.machine()}"
    return f"{cpu_name()}, {os.cpu_count()} cores, torch using {torch.get_num_threads()} thread(s)"
