"""The toy world's scenes: four attributes, every combination of them, the ones held out.

Every painter on the site learns from, and is judged against, the same small world. A scene
is four attributes, an *object* (bicycle, ball, boat, tree) in a *colour* (red, blue, yellow,
green), at a *place* (beach, meadow, snow) and a *time* of day (noon, sunset, night). Each
scene is drawn with fresh randomness (drawing.py), so one prompt has many right answers, which
is what makes diversity and mode collapse measurable.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

SIZE = 32  # pixels per side: what a 2-core CPU can train four painters on
MAX_SAMPLES = 1024  # the most pictures one call renders or paints

OBJECTS = ("bicycle", "ball", "boat", "tree")
COLOURS = ("red", "blue", "yellow", "green")
PLACES = ("beach", "meadow", "snow")
TIMES = ("noon", "sunset", "night")
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "object": OBJECTS,
    "colour": COLOURS,
    "place": PLACES,
    "time": TIMES,
}

SHARED_PROMPT = "a red bicycle parked on a beach at sunset"


class PromptError(ValueError):
    """A prompt the world cannot read: an unknown word, a missing or doubled attribute."""


@dataclass(frozen=True, order=True)
class Scene:
    """One combination of the four attributes."""

    object: str
    colour: str
    place: str
    time: str

    def __post_init__(self) -> None:
        for name, value in self.as_dict().items():
            if value not in ATTRIBUTES[name]:
                known = ", ".join(ATTRIBUTES[name])
                raise PromptError(f"unknown {name} {value!r}; known: {known}")

    def as_dict(self) -> dict[str, str]:
        return {"object": self.object, "colour": self.colour, "place": self.place, "time": self.time}

    @property
    def labels(self) -> tuple[int, int, int, int]:
        """Class indices of the four attributes, in ATTRIBUTES order."""
        return (
            OBJECTS.index(self.object),
            COLOURS.index(self.colour),
            PLACES.index(self.place),
            TIMES.index(self.time),
        )

    @property
    def prompt(self) -> str:
        """The canonical wording; the shared prompt is the canonical wording of its scene."""
        verb = {"bicycle": "parked", "ball": "lying", "boat": "resting", "tree": "standing"}
        where = {"beach": "on a beach", "meadow": "in a meadow", "snow": "in the snow"}
        return f"a {self.colour} {self.object} {verb[self.object]} {where[self.place]} at {self.time}"


ALL_SCENES: tuple[Scene, ...] = tuple(Scene(*combo) for combo in itertools.product(*ATTRIBUTES.values()))

# Never shown to a painter in training, so the site can ask each painter for something new.
HELD_OUT: tuple[Scene, ...] = (
    Scene("bicycle", "yellow", "meadow", "night"),
    Scene("boat", "green", "snow", "sunset"),
    Scene("tree", "blue", "beach", "noon"),
    Scene("ball", "red", "snow", "night"),
)
TRAIN_SCENES: tuple[Scene, ...] = tuple(s for s in ALL_SCENES if s not in HELD_OUT)


def check_count(n: object) -> int:
    """A picture count between 1 and MAX_SAMPLES, checked before any work (ValueError if not)."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"n={n!r} images: ask for between 1 and {MAX_SAMPLES}")
    return n


MAX_SEED = 2**32 - 1  # numpy, torch and the in-page painters all take a seed this large


def check_seed(seed: object, what: str = "seed") -> int:
    """A seed from 0 to MAX_SEED, checked before any work (ValueError naming `what` if not)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        shown = repr(seed) if len(repr(seed)) <= 30 else f"{repr(seed)[:20]}... ({len(repr(seed))} digits)"
        raise ValueError(f"{what} {shown}: use a whole number from 0 to {MAX_SEED}")
    return seed
