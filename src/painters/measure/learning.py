"""The painters' learning curves, read back, and what their last stretch says.

Each contest painter's checkpoint has a curve beside it (NAME.curve.json, written by
training/curves.py while it trained): the same protocol the pages use, measured at 1/16, 1/8,
1/4, 1/2 and all of the budget. A verdict at equal compute reads the last point; `trend` says
whether the deciding number was still moving over the last two doublings of compute, by more
than its noise: if it was, more compute would likely change it, and the verdict is about our
budget as much as the family.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from painters.checkpoints import store
from painters.measure import metrics


@dataclass(frozen=True)
class Point:
    fraction: float  # share of the budget spent
    step: int
    pflop: float
    minutes: float  # training time on the machine that trained it, measuring left out
    measured: dict[str, metrics.Measurement]  # group -> measurement


@dataclass(frozen=True)
class Curve:
    family: str
    points: tuple[Point, ...]
    compute: dict[str, Any]
    protocol: dict[str, Any]

    def values(self, key: str, group: str = "trained") -> list[float]:
        return [p.measured[group].value(key) for p in self.points]

    def intervals(self, key: str, group: str = "trained") -> list[tuple[float, float]]:
        return [p.measured[group].interval(key) for p in self.points]

    @property
    def last(self) -> Point:
        return self.points[-1]


def _measurement(data: dict[str, Any]) -> metrics.Measurement:
    fields = {k: v for k, v in data.items() if k != "intervals"}
    intervals = {k: (float(lo), float(hi)) for k, (lo, hi) in data.get("intervals", {}).items()}
    return metrics.Measurement(**fields, intervals=intervals)


@functools.cache
def _curve(name: str, stamp: tuple[int, int]) -> Curve:
    data = store.load_curve(name)
    points = tuple(
        Point(
            float(p["fraction"]),
            int(p["step"]),
            float(p["pflop"]),
            float(p["minutes"]),
            {group: _measurement(m) for group, m in p["metrics"].items()},
        )
        for p in data["points"]
    )
    return Curve(str(data.get("family", name)), points, dict(data.get("compute", {})), dict(data.get("protocol", {})))


def curve(name: str) -> Curve:
    """A committed painter's learning curve (read again when its file changes)."""
    path = store.curve_path(name)
    stat = path.stat() if path.exists() else None
    store.note_use(name)
    return _curve(name, (stat.st_mtime_ns, stat.st_size) if stat else (0, 0))


@dataclass(frozen=True)
class Trend:
    """How a number moved over the last two doublings of compute (B/4 -> B/2 -> B)."""

    values: tuple[float, float, float]
    moving: bool  # the last doubling moved it by more than its noise
    direction: str  # "rising", "falling" or "flat"

    def words(self, fmt: str = "{:.2f}", better: str = "higher") -> str:
        """'0.41 -> 0.52 -> 0.60: still rising, more compute would help' and the like."""
        path = " &rarr; ".join(fmt.format(v) for v in self.values)
        if not self.moving:
            return f"{path}: flat over the last doubling of compute, a trait of this painter at this size"
        helps = (self.direction == "rising") == (better == "higher")
        return f"{path}: still {self.direction}" + (", more compute would help" if helps else ", and getting worse")


def trend(name: str, key: str, group: str = "trained") -> Trend:
    """The trend of one number of a painter's curve over its last three points."""
    c = curve(name)
    if len(c.points) < 3:
        raise ValueError(f"the learning curve of {name!r} has {len(c.points)} points; a trend needs three")
    values, bounds = c.values(key, group)[-3:], c.intervals(key, group)[-3:]
    half = [(hi - lo) / 2 for lo, hi in bounds]
    change = values[2] - values[1]
    moving = abs(change) > float(np.hypot(half[1], half[2]))  # beyond the two points' combined noise
    direction = "flat" if not moving else ("rising" if change > 0 else "falling")
    return Trend((values[0], values[1], values[2]), moving, direction)
