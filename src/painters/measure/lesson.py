"""The lesson's crude product score, as code: one number per family from four ratings.

The comparison chapter's worked example rates each family's output for one prompt on four axes
and folds them into one score::

    speed score = 10 - seconds, floored at 1
    score = 0.35 * sharpness + 0.35 * prompt match + 0.20 * diversity + 0.10 * speed score

:data:`LESSON_ROWS` holds the lesson's imagined ratings; :func:`lesson_score` takes those or
measured ones (any floats in range) and returns every term, so a page can show the arithmetic
rather than only the total. This module is neither a model family nor the judge: it is the
lesson's arithmetic, used by the comparison page and its tests.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass

#: Ratings run from 0 to 10; the speed score never drops below this floor.
RATING_MAX = 10.0
SPEED_FLOOR = 1.0


def _check_finite(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} is {value!r}: expected a number")
    if not math.isfinite(value):
        raise ValueError(f"{name} is {value!r}: expected a finite number")


def _check_rating(name: str, value: float) -> None:
    _check_finite(name, value)
    if not 0 <= value <= RATING_MAX:
        raise ValueError(f"{name} is {value!r}: ratings run from 0 to {RATING_MAX:g}")


@dataclass(frozen=True)
class Weights:
    """How much each axis counts. The lesson's weights are the defaults; they must sum to 1."""

    sharpness: float = 0.35
    prompt_match: float = 0.35
    diversity: float = 0.20
    speed: float = 0.10

    def __post_init__(self) -> None:
        for name in ("sharpness", "prompt_match", "diversity", "speed"):
            value = getattr(self, name)
            _check_finite(f"weight {name}", value)
            if value < 0:
                raise ValueError(f"weight {name} is {value!r}: weights cannot be negative")
        total = self.sharpness + self.prompt_match + self.diversity + self.speed
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise ValueError(
                f"weights sum to {total!r} (sharpness {self.sharpness}, prompt_match "
                f"{self.prompt_match}, diversity {self.diversity}, speed {self.speed}): "
                "they must sum to 1"
            )


LESSON_WEIGHTS = Weights()


@dataclass(frozen=True)
class Ratings:
    """One family's output for one prompt: three ratings out of 10 and the time it took."""

    family: str
    sharpness: float
    prompt_match: float
    diversity: float  # across four samples of the same prompt
    seconds: float  # time to make one image
    passes: int | None = None  # network passes in sequence per image (measured rows only)


#: The lesson's worked example: "imagined but realistic numbers" for the prompt
#: "a red bicycle parked on a beach at sunset".
LESSON_ROWS: tuple[Ratings, ...] = (
    Ratings("GAN", sharpness=8, prompt_match=5, diversity=4, seconds=0.2),
    Ratings("VAE", sharpness=5, prompt_match=6, diversity=7, seconds=0.3),
    Ratings("Diffusion", sharpness=9, prompt_match=9, diversity=8, seconds=4.0),
    Ratings("Autoregressive", sharpness=6, prompt_match=7, diversity=6, seconds=7.0),
)


@dataclass(frozen=True)
class ScoreBreakdown:
    """Every step of the score: the speed score, each weighted term, and their sum."""

    speed_score: float
    sharpness_term: float
    prompt_match_term: float
    diversity_term: float
    speed_term: float
    total: float


# --8<-- [start:lesson_score]
def speed_score(seconds: float) -> float:
    """``10 - seconds``, floored at 1: fast is good, and anything slower than 9 s scores 1."""
    _check_finite("seconds", seconds)
    if seconds < 0:
        raise ValueError(f"seconds is {seconds!r}: a time cannot be negative")
    return max(RATING_MAX - seconds, SPEED_FLOOR)


def lesson_score(
    sharpness: float,
    prompt_match: float,
    diversity: float,
    seconds: float,
    weights: Weights = LESSON_WEIGHTS,
) -> ScoreBreakdown:
    """Score one output the lesson's way and return every term.

    Raises:
        ValueError: a rating outside 0..10 or not a finite number, a negative or non-finite
            time, or weights that are negative or do not sum to 1. The message names the value.
    """
    for name, value in (
        ("sharpness", sharpness),
        ("prompt_match", prompt_match),
        ("diversity", diversity),
    ):
        _check_rating(name, value)
    if not isinstance(weights, Weights):
        raise ValueError(f"weights is {weights!r}: pass a painters.measure.lesson.Weights")
    speed = speed_score(seconds)
    terms = (
        weights.sharpness * sharpness,
        weights.prompt_match * prompt_match,
        weights.diversity * diversity,
        weights.speed * speed,
    )
    return ScoreBreakdown(speed, *terms, total=math.fsum(terms))


# --8<-- [end:lesson_score]


def score_rows(rows: Iterable[Ratings], weights: Weights = LESSON_WEIGHTS) -> list[tuple[Ratings, ScoreBreakdown]]:
    """Score each row; the result keeps the rows' order."""
    return [(row, lesson_score(row.sharpness, row.prompt_match, row.diversity, row.seconds, weights)) for row in rows]


# --- measured rows -------------------------------------------------------------------------------
# The lesson rates by eye on a 0..10 scale. Ours maps each measurement to that scale so that 10
# means "as good as real renders of the world", the best any painter can do here.


# --8<-- [start:mapping]
def ten_from_ratio(ratio: float) -> float:
    """A painter/real ratio on the 0..10 scale: 10 at 1 (like real renders), 5 at half or double.

    Symmetric on purpose: twice as "sharp" as the world means speckle, and twice as "diverse"
    means junk, so overshooting costs as much as falling short.
    """
    _check_finite("ratio", ratio)
    if ratio <= 0:
        return 0.0
    return RATING_MAX * min(ratio, 1 / ratio)


def measured_ratings(
    family: str,
    sharpness_ratio: float,
    all_four: float,
    diversity_ratio: float,
    seconds: float,
    passes: int | None = None,
) -> Ratings:
    """The lesson's axes from measurements: sharpness and judge-feature diversity as ratios to
    real renders, prompt match as the share of samples with all four attributes right
    (real renders score 1.0), and seconds per image at batch 1 on the machine that built the page."""
    _check_finite("all_four", all_four)
    if not 0 <= all_four <= 1:
        raise ValueError(f"all_four is {all_four!r}: a share runs from 0 to 1")
    return Ratings(
        family,
        sharpness=round(ten_from_ratio(sharpness_ratio), 2),
        prompt_match=round(RATING_MAX * all_four, 2),
        diversity=round(ten_from_ratio(diversity_ratio), 2),
        seconds=seconds,
        passes=passes,
    )


def latency_speed_score(seconds: float, fastest: float) -> float:
    """A speed score that still sees milliseconds: 10 for the fastest painter, 4 points off for
    each tenfold slowdown, floored at 1. (The lesson's 10 - seconds gives ~10 to everyone here.)"""
    _check_finite("seconds", seconds)
    if seconds <= 0 or fastest <= 0:
        raise ValueError(f"seconds {seconds!r} and fastest {fastest!r} must be positive")
    return max(RATING_MAX - 4 * math.log10(seconds / fastest), SPEED_FLOOR)


# --8<-- [end:mapping]


def ranking(rows: Iterable[Ratings], weights: Weights = LESSON_WEIGHTS) -> list[str]:
    """Families from the highest total to the lowest."""
    return [row.family for row, b in sorted(score_rows(rows, weights), key=lambda rb: -rb[1].total)]


def winner(rows: Iterable[Ratings], axis: str) -> str:
    """The family that does best on one axis ('seconds': the fastest)."""
    rows = list(rows)
    if axis == "seconds":
        return min(rows, key=lambda r: r.seconds).family
    return max(rows, key=lambda r: getattr(r, axis)).family


def fewest_passes(rows: Iterable[Ratings]) -> list[Ratings]:
    """The painters that need the fewest network passes per image, in the rows' own order.

    This is how a page names "the fast ones". Not by the times measured in this build: GAN and
    VAE both take about a millisecond, and which of them came out faster changed from one clean
    build to the next (under load their ratio crossed any fixed tie threshold), so a page that
    named the faster one named a different painter each time. The number of passes is fixed by
    the committed configs, and it is where the time goes.
    """
    rows = list(rows)
    missing = [r.family for r in rows if r.passes is None]
    if missing or not rows:
        raise ValueError(f"rows without a pass count: {missing or 'none given'}; use measured_rows()")
    counts = [r.passes or 0 for r in rows]
    return [r for r, count in zip(rows, counts, strict=True) if count == min(counts)]


def names(items: Iterable[Ratings | str], conjunction: str = "and") -> str:
    """'GAN', 'GAN and VAE', 'GAN, VAE and Diffusion' (from rows or from plain strings)."""
    words = [item if isinstance(item, str) else item.family for item in items]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


AXES = {"sharpness": "sharpness", "prompt_match": "prompt match", "diversity": "diversity"}


def disagreements(lesson: Iterable[Ratings], measured: Iterable[Ratings]) -> list[tuple[str, str, float, float]]:
    """Every family on every rated axis: (family, axis, lesson's rating, ours), the largest gap first
    (ties in the lesson's order). Rows are matched by family name, case aside."""
    ours = {r.family.lower(): r for r in measured}
    missing = [r.family for r in lesson if r.family.lower() not in ours]
    if missing:
        raise ValueError(f"no measured row for {', '.join(missing)}")
    pairs = [
        (r.family, axis, float(getattr(r, axis)), float(getattr(ours[r.family.lower()], axis)))
        for r in lesson
        for axis in AXES
    ]
    return sorted(pairs, key=lambda p: -abs(p[3] - p[2]))


def measured_rows() -> list[Ratings]:
    """The committed painters on the lesson's axes, measured in this build (shared, cached):
    each on the protocol of metrics.py, timed the one way the site times things."""
    from painters.families import registry
    from painters.measure import gallery, timing

    times = timing.painter_timings()
    rows = []
    for family in registry.painters():
        report = gallery.measure_family(family)  # every trained scene, in varied wording, judged
        m = report.trained
        rows.append(
            measured_ratings(
                registry.get(family).label,
                m.sharpness_ratio,
                m.prompt_match["all four"],
                m.feature_diversity_ratio,
                times.seconds[family],
                report.passes,
            )
        )
    return rows
