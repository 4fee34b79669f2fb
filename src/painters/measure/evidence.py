"""What a claim's verdict reads: the painters measured at the same compute, with their noise.

Every painter trained on the same budget of counted compute (training/budget.py) and is
measured by the same protocol (metrics.py), each number with its 90% interval. Here are the
comparisons the claims make from those numbers, none of which may rest on a gap inside the
noise: two painters differ on a metric only when their intervals do not overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from painters.families import registry
from painters.measure import gallery, learning, metrics


def label(family: str) -> str:
    return registry.get(family).label


def report(family: str, group: str = "trained", **options: object) -> metrics.Measurement:
    """A painter at the end of its budget, measured in this build (sampled with `options`)."""
    measured: metrics.Measurement = getattr(gallery.measure_family(family, **options), group)
    return measured


def ceiling(group: str = "trained") -> metrics.Measurement:
    """Real renders measured against real renders: what the world itself scores."""
    return gallery.real_vs_real()[group]


@dataclass(frozen=True)
class Reading:
    """One number of one painter: its value and 90% interval."""

    value: float
    low: float
    high: float

    def above(self, other: Reading) -> bool:
        """Higher than `other` beyond the noise of both."""
        return self.low > other.high

    def below(self, other: Reading) -> bool:
        return self.high < other.low

    def text(self, fmt: str = "{:.2f}") -> str:
        return f"{fmt.format(self.value)} ({fmt.format(self.low)}&ndash;{fmt.format(self.high)})"


def reading(m: metrics.Measurement, key: str) -> Reading:
    lo, hi = m.interval(key)
    return Reading(m.value(key), lo, hi)


def readings(key: str, group: str = "trained") -> dict[str, Reading]:
    """Every painter's reading of one number, in the registry's order."""
    return {f: reading(report(f, group), key) for f in registry.painters()}


def listing(values: Mapping[str, Reading], fmt: str = "{:.2f}") -> str:
    """'GAN 0.59 (0.55–0.63), VAE 0.07 (0.06–0.08), ...'."""
    return ", ".join(f"{label(f)} {r.text(fmt)}" for f, r in values.items())


def best(values: Mapping[str, Reading], higher: bool = True) -> list[str]:
    """The painters no other beats beyond the noise: the best, and those tied with it."""
    top = max(values, key=lambda f: values[f].value if higher else -values[f].value)
    if higher:
        return [f for f, r in values.items() if not values[top].above(r)]
    return [f for f, r in values.items() if not values[top].below(r)]


def worst(values: Mapping[str, Reading], higher: bool = True) -> list[str]:
    return best(values, higher=not higher)


def trend(family: str, key: str, *, better: str = "higher", fmt: str = "{:.2f}", group: str = "trained") -> str:
    """The deciding number's last two doublings of compute, in words (learning.Trend.words)."""
    return f"{label(family)}: " + learning.trend(family, key, group).words(fmt, better)


def names(families: list[str]) -> str:
    words = [label(f) for f in families]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class Verdict:
    holds: bool
    measured: str  # what we measured, with the numbers and their intervals (HTML)
    because: str  # why, from the numbers; a general reason is the literature's, with its citation
    trend: str = ""  # how the deciding number moved over the last two doublings of compute (HTML)


@dataclass(frozen=True)
class Claim:
    key: str
    family: str  # the chapter where the lesson makes it
    lesson: str  # the lesson's claim, in our words
    test: str  # what we measure to test it
    evaluate: Callable[[], Verdict]
