"""A checkpoint's behaviour in a few numbers: what its networks compute from fixed inputs.

Each family's `probe(model)` runs its networks (and its sampler where that is code of its own)
on fixed inputs; `of` keeps, per output, its shape, mean, spread and a few of its values, and
the manifest stores that. Loading probes the model again and `problem` compares the two.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch

#: Values kept per probe output: evenly spaced elements of the flattened tensor.
VALUES = 48
#: How far a probe output may drift and still be the same behaviour: per value, this share of
#: (|value| + the output's spread). Another CPU rounds the last bits of a float differently
#: (~1e-7 relative); a change to what a network computes moves its outputs by far more.
TOLERANCE = 1e-4


def of(outputs: Mapping[str, torch.Tensor]) -> dict[str, Any]:
    """A checkpoint's behaviour, summarised for its manifest: for each probe output (what the
    family's `probe` computes from fixed inputs), its shape, mean, spread and a few of its values."""
    out: dict[str, Any] = {}
    for name in sorted(outputs):
        flat = outputs[name].detach().double().flatten().cpu()
        pick = torch.linspace(0, len(flat) - 1, min(VALUES, len(flat))).round().long()
        out[name] = {
            "shape": list(outputs[name].shape),
            "mean": round(float(flat.mean()), 7),
            "std": round(float(flat.std()) if len(flat) > 1 else 0.0, 7),
            "values": [round(float(v), 7) for v in flat[pick]],
        }
    return out


def problem(saved: Mapping[str, Any], now: Mapping[str, Any]) -> str:
    """'' when two fingerprints are the same behaviour, else what differs (the first output that
    does). `saved` comes from a manifest, so anything in it may be missing or of the wrong type."""
    if not isinstance(saved, Mapping) or sorted(saved) != sorted(now):
        names = sorted(saved) if isinstance(saved, Mapping) else saved
        return f"it recorded probes {names!r}, the code now probes {sorted(now)}"
    for name in sorted(now):
        a, b = saved[name], now[name]
        if not isinstance(a, Mapping) or a.get("shape") != b["shape"]:
            was = a.get("shape") if isinstance(a, Mapping) else a
            return f"{name} has shape {b['shape']} now, {was!r} when trained"
        old = [a.get("mean"), *(a.get("values") or [])]
        new = [b["mean"], *b["values"]]
        if len(old) != len(new):
            return f"{name} keeps {len(new) - 1} probe values now, {len(old) - 1} when trained"
        scale = float(b["std"]) + 1e-6
        for x, y in zip(old, new, strict=True):
            if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
                return f"{name} recorded {x!r}, not a number"
            if abs(x - y) > TOLERANCE * (abs(y) + scale):
                return f"{name} computes {y:.6g} now where it computed {x:.6g} when trained"
    return ""
