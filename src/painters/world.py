"""The toy world: a procedural renderer of 32x32 scenes, their captions, and the prompt parser.

Every painter on the site learns from, and is judged against, the same small world. A scene
is four attributes, an *object* (bicycle, ball, boat, tree) in a *colour* (red, blue, yellow,
green), at a *place* (beach, meadow, snow) and a *time* of day (noon, sunset, night). Each
scene is drawn with fresh randomness: where the object stands, its size and facing, the
horizon height, where the sun or moon sits, shells, flowers, stars and clouds. So one prompt
has many right answers, which is what makes diversity and mode collapse measurable.

Captions vary their wording (bike or bicycle, dusk or sunset, word order, filler words), so
a painter must read the words; a lookup table of the four attributes would not do.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SIZE = 32  # pixels per side: what a 2-core CPU can train four painters on
SUPERSAMPLE = 3  # draw at 3x and average down, for anti-aliased edges

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

# --- words -----------------------------------------------------------------------------------

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "object": {
        "bicycle": ("bicycle", "bike", "cycle"),
        "ball": ("ball", "football"),
        "boat": ("boat", "sailboat", "dinghy"),
        "tree": ("tree",),
    },
    "colour": {
        "red": ("red", "crimson"),
        "blue": ("blue",),
        "yellow": ("yellow", "golden"),
        "green": ("green",),
    },
    "place": {
        "beach": ("beach", "sand", "seaside", "shore"),
        "meadow": ("meadow", "field", "grass"),
        "snow": ("snow", "snowfield"),
    },
    "time": {
        "noon": ("noon", "midday", "daytime"),
        "sunset": ("sunset", "dusk", "evening"),
        "night": ("night", "midnight"),
    },
}
FILLER = (
    "a", "an", "the", "on", "in", "at", "by", "of", "with", "and", "is", "under", "during",
    "parked", "lying", "resting", "standing", "left", "alone", "sky", "scene", "picture",
)  # fmt: skip
PAD = "<pad>"
WORD_TO_ATTRIBUTE: dict[str, tuple[str, str]] = {
    word: (name, value) for name, groups in SYNONYMS.items() for value, words in groups.items() for word in words
}
VOCAB: tuple[str, ...] = (PAD, *sorted(set(WORD_TO_ATTRIBUTE) | set(FILLER)))
WORD_INDEX = {word: i for i, word in enumerate(VOCAB)}
MAX_WORDS = 16  # the painters read at most this many words
MAX_PROMPT_CHARS = 200

_TOKEN = re.compile(r"[a-z]+")
_ALLOWED = re.compile(r"^[A-Za-z ,.;:!?'\-]*$")


def words_of(text: str) -> list[str]:
    """Split a prompt into lower-case words, rejecting anything the vocabulary cannot hold."""
    if not isinstance(text, str):
        raise PromptError(f"a prompt is text, not {type(text).__name__}")
    if len(text) > MAX_PROMPT_CHARS:
        raise PromptError(f"prompt is {len(text)} characters long; at most {MAX_PROMPT_CHARS} are read")
    if not _ALLOWED.match(text):
        bad = sorted({c for c in text if not _ALLOWED.match(c)})
        raise PromptError(f"prompt has characters outside letters and punctuation: {bad!r}")
    words = _TOKEN.findall(text.lower())
    if not words:
        raise PromptError(f"prompt is empty; try {SHARED_PROMPT!r}")
    unknown = [w for w in words if w not in WORD_INDEX]
    if unknown:
        hints = []
        for w in unknown:
            near = difflib.get_close_matches(w, VOCAB[1:], n=1, cutoff=0.6)
            hints.append(f"{w!r} (did you mean {near[0]!r}?)" if near else repr(w))
        raise PromptError(
            f"unknown word{'s' if len(unknown) > 1 else ''} {', '.join(hints)}. Known words: {', '.join(VOCAB[1:])}"
        )
    if len(words) > MAX_WORDS:
        raise PromptError(f"prompt has {len(words)} words; the painters read at most {MAX_WORDS}")
    return words


def parse_prompt(text: str) -> Scene:
    """Read a prompt into the scene it names: exactly one object, colour, place and time."""
    found: dict[str, list[str]] = {name: [] for name in ATTRIBUTES}
    for word in words_of(text):
        if word in WORD_TO_ATTRIBUTE:
            name, value = WORD_TO_ATTRIBUTE[word]
            if value not in found[name]:
                found[name].append(value)
    for name, values in found.items():
        if not values:
            words = ", ".join(w for ws in SYNONYMS[name].values() for w in ws)
            raise PromptError(f"prompt {text!r} names no {name}; add one of: {words}")
        if len(values) > 1:
            raise PromptError(f"prompt {text!r} names two {name}s: {' and '.join(values)}; keep one")
    return Scene(*(found[name][0] for name in ATTRIBUTES))


def encode(text: str) -> list[int]:
    """Token ids of a prompt, padded to MAX_WORDS. Checks the prompt names a whole scene."""
    parse_prompt(text)
    ids = [WORD_INDEX[w] for w in words_of(text)]
    return ids + [WORD_INDEX[PAD]] * (MAX_WORDS - len(ids))


_TEMPLATES = (
    "{a} {c} {o} {v} {prep} {p} at {t}",
    "{a} {c} {o} {prep} {p} at {t}",
    "{c} {o} on the {p} at {t}",
    "at {t}, {a} {c} {o} {prep} {p}",
    "{t}: {a} {c} {o} {v} {prep} {p}",
    "{p} at {t} with {a} {c} {o}",
    "the {o} is {c}, {p}, {t}",
    "{a} picture of {a} {c} {o} {prep} {p} during the {t}",
    "{c} {o}, {p}, {t}",
    "{a} {c} {o} left alone {prep} {p} under the {t} sky",
)


def caption(scene: Scene, rng: np.random.Generator) -> str:
    """A randomly worded training caption for a scene."""

    def pick(options: Sequence[str]) -> str:
        return str(options[int(rng.integers(len(options)))])

    template = pick(_TEMPLATES)
    return template.format(
        a=pick(("a", "the")),
        c=pick(SYNONYMS["colour"][scene.colour]),
        o=pick(SYNONYMS["object"][scene.object]),
        v=pick(("parked", "lying", "resting", "standing")),
        prep=pick(("on the", "in the", "by the", "on a")),
        p=pick(SYNONYMS["place"][scene.place]),
        t=pick(SYNONYMS["time"][scene.time]),
    )


# --- drawing ---------------------------------------------------------------------------------

COLOUR_RGB = {
    "red": (0.88, 0.10, 0.08),
    "blue": (0.12, 0.28, 0.95),
    "yellow": (0.98, 0.86, 0.08),
    "green": (0.08, 0.72, 0.18),
}
# (sky at the top, sky at the horizon, light on the ground, light on the object)
TIME_LOOK = {
    "noon": ((0.30, 0.55, 0.95), (0.70, 0.85, 1.00), (1.00, 1.00, 1.00), (1.00, 1.00, 1.00)),
    "sunset": ((0.30, 0.20, 0.50), (1.00, 0.55, 0.25), (0.95, 0.70, 0.55), (1.00, 0.88, 0.78)),
    "night": ((0.01, 0.02, 0.10), (0.08, 0.10, 0.28), (0.30, 0.34, 0.55), (0.62, 0.62, 0.78)),
}
INK = np.array((0.08, 0.07, 0.07))


class _Canvas:
    """A supersampled RGB canvas with soft-edged shapes, in units of final pixels."""

    def __init__(self) -> None:
        n = SIZE * SUPERSAMPLE
        coords = (np.arange(n) + 0.5) / SUPERSAMPLE
        self.y, self.x = np.meshgrid(coords, coords, indexing="ij")
        self.rgb = np.zeros((n, n, 3))

    def paint(self, mask: np.ndarray, colour: Iterable[float] | np.ndarray) -> None:
        m = np.clip(mask, 0.0, 1.0)[..., None]
        self.rgb = self.rgb * (1 - m) + np.asarray(colour, dtype=float) * m

    def disc(self, cy: float, cx: float, r: float) -> np.ndarray:
        d = np.hypot(self.y - cy, self.x - cx)
        return np.clip(r - d + 0.5, 0, 1)

    def segment(self, p: tuple[float, float], q: tuple[float, float], width: float) -> np.ndarray:
        (py, px), (qy, qx) = p, q
        vy, vx = qy - py, qx - px
        t = np.clip(((self.y - py) * vy + (self.x - px) * vx) / max(vy * vy + vx * vx, 1e-9), 0, 1)
        d = np.hypot(self.y - (py + t * vy), self.x - (px + t * vx))
        return np.clip(width / 2 - d + 0.5, 0, 1)

    def rect(self, top: float, bottom: float, left: float, right: float) -> np.ndarray:
        inside_y = np.clip(np.minimum(self.y - top, bottom - self.y) + 0.5, 0, 1)
        inside_x = np.clip(np.minimum(self.x - left, right - self.x) + 0.5, 0, 1)
        return inside_y * inside_x

    def image(self) -> np.ndarray:
        s = SUPERSAMPLE
        small = self.rgb.reshape(SIZE, s, SIZE, s, 3).mean(axis=(1, 3))
        return (np.clip(small, 0, 1) * 255 + 0.5).astype(np.uint8)


def _draw_sky(cv: _Canvas, scene: Scene, horizon: float, rng: np.random.Generator) -> None:
    top, low, _, _ = TIME_LOOK[scene.time]
    t = np.clip(cv.y / horizon, 0, 1)[..., None]
    cv.rgb = np.asarray(top) * (1 - t) + np.asarray(low) * t
    if scene.time == "noon":
        sy, sx = rng.uniform(3, horizon - 6), rng.uniform(4, SIZE - 4)
        cv.paint(cv.disc(sy, sx, rng.uniform(2.3, 3.2)), (1.0, 0.97, 0.70))
        for _ in range(int(rng.integers(0, 3))):  # a cloud or two
            cy, cx = rng.uniform(2, horizon - 4), rng.uniform(0, SIZE)
            puff = np.maximum(cv.disc(cy, cx, 1.6), cv.disc(cy + 0.6, cx + 2.0, 1.4))
            cv.paint(0.85 * puff, (0.97, 0.98, 1.0))
    elif scene.time == "sunset":
        sx = rng.uniform(5, SIZE - 5)
        cv.paint(cv.disc(horizon - rng.uniform(0.5, 2.5), sx, rng.uniform(3.2, 4.4)), (1.0, 0.42, 0.12))
    else:
        for _ in range(int(rng.integers(4, 10))):  # stars
            cv.paint(0.8 * cv.disc(rng.uniform(0.5, horizon - 2), rng.uniform(0, SIZE), 0.45), (1, 1, 0.9))
        my, mx, r = rng.uniform(3, horizon - 5), rng.uniform(4, SIZE - 4), rng.uniform(2.2, 3.0)
        crescent = cv.disc(my, mx, r) * (1 - cv.disc(my - 0.8, mx + rng.choice((-1.3, 1.3)), r * 0.85))
        cv.paint(crescent, (0.96, 0.95, 0.80))


def _draw_ground(cv: _Canvas, scene: Scene, horizon: float, rng: np.random.Generator) -> None:
    light = np.asarray(TIME_LOOK[scene.time][2])
    below = np.clip(cv.y - horizon + 0.5, 0, 1)
    depth = np.clip((cv.y - horizon) / (SIZE - horizon), 0, 1)[..., None]
    grain = rng.normal(0, 0.025, cv.y.shape)[..., None]
    if scene.place == "beach":
        shore = horizon + rng.uniform(3, 5.5) + 0.6 * np.sin(cv.x * rng.uniform(0.4, 0.8) + rng.uniform(0, 6))
        sea = np.asarray((0.10, 0.38, 0.70)) * (1 - 0.3 * depth)
        cv.paint(below, sea * light)
        sand = (np.asarray((0.93, 0.82, 0.55)) * (1 - 0.12 * depth) + grain) * light
        cv.paint(below * np.clip(cv.y - shore + 0.5, 0, 1), sand)
        for _ in range(int(rng.integers(1, 4))):  # shells
            sy, sx = rng.uniform(shore.mean() + 1, SIZE - 1), rng.uniform(1, SIZE - 1)
            cv.paint(cv.disc(sy, sx, 0.5), np.asarray((1.0, 0.93, 0.88)) * light)
    elif scene.place == "meadow":
        grass = np.asarray((0.30, 0.62, 0.22)) * (1 - 0.35 * depth) + grain
        cv.paint(below, grass * light)
        for _ in range(int(rng.integers(3, 8))):  # flowers
            fy, fx = rng.uniform(horizon + 1.5, SIZE - 0.5), rng.uniform(0, SIZE)
            tint = (1.0, 1.0, 1.0) if rng.random() < 0.5 else (1.0, 0.6, 0.8)
            cv.paint(cv.disc(fy, fx, 0.45), np.asarray(tint) * light)
    else:
        snow = np.asarray((0.93, 0.95, 1.00)) * (1 - 0.10 * depth) + 0.6 * grain
        cv.paint(below, snow * light)
        for _ in range(int(rng.integers(1, 3))):  # drifts with a blue shadow
            dy, dx = rng.uniform(horizon + 2, SIZE), rng.uniform(0, SIZE)
            drift = cv.disc(dy + 1.5, dx, 3.0) * np.clip(cv.y - dy + 0.5, 0, 1)
            cv.paint(0.6 * drift, np.asarray((0.72, 0.80, 0.95)) * light)


def _hull(cv: _Canvas, top: float, bottom: float, cx: float, width: float) -> np.ndarray:
    """A trapezoid, wide at the deck and narrower at the keel."""
    half = width - 0.35 * width * np.clip((cv.y - top) / (bottom - top), 0, 1)
    inside_x = np.clip(half - np.abs(cv.x - cx) + 0.5, 0, 1)
    inside_y = np.clip(np.minimum(cv.y - top, bottom - cv.y) + 0.5, 0, 1)
    return inside_x * inside_y


def _draw_object(cv: _Canvas, scene: Scene, horizon: float, rng: np.random.Generator) -> None:
    light = np.asarray(TIME_LOOK[scene.time][3])
    body = np.asarray(COLOUR_RGB[scene.colour]) * light
    ink = INK * light
    s = rng.uniform(0.85, 1.15)  # size
    face = float(rng.choice((-1.0, 1.0)))  # facing left or right
    half_width = {"bicycle": 10.0, "ball": 5.5, "boat": 8.0, "tree": 6.5}[scene.object] * s
    x = rng.uniform(half_width + 1, SIZE - half_width - 1)
    base = rng.uniform(max(horizon + 8, SIZE - 9), SIZE - 1.5)  # where it touches the ground
    shadow = cv.disc(base, x, half_width) * np.clip(1.5 - np.abs(cv.y - base), 0, 1)
    cv.paint(0.35 * shadow, (0, 0, 0))

    if scene.object == "bicycle":
        r = 3.7 * s
        rear, front = (base - r, x - face * 5.8 * s), (base - r, x + face * 5.8 * s)
        crank = (base - r, x - face * 0.3 * s)
        seat = (base - r - 5.0 * s, x - face * 1.8 * s)
        head = (base - r - 5.0 * s, x + face * 4.0 * s)
        for cy, cx in (rear, front):  # tyres, then the frame over them
            ring = cv.disc(cy, cx, r) * (1 - cv.disc(cy, cx, r - 1.3))
            cv.paint(ring, ink)
            cv.paint(cv.disc(cy, cx, 0.6), ink)
        for p, q in ((rear, seat), (rear, crank), (crank, seat), (crank, head), (seat, head), (head, front)):
            cv.paint(cv.segment(p, q, 1.9), ink)
        for p, q in ((rear, seat), (rear, crank), (crank, seat), (crank, head), (seat, head), (head, front)):
            cv.paint(cv.segment(p, q, 1.25), body)
        saddle_y = seat[0] - 1.2 * s
        cv.paint(cv.segment((saddle_y, seat[1] - 1.4 * s), (saddle_y, seat[1] + 1.4 * s), 1.1), ink)
        bar = (head[0] - 1.4 * s, head[1] + face * 0.6 * s)
        cv.paint(cv.segment(head, bar, 1.0), ink)
        cv.paint(cv.segment(bar, (bar[0], bar[1] + face * 1.6 * s), 1.0), ink)
    elif scene.object == "ball":
        r = rng.uniform(3.8, 5.2) * s
        cy = base - r
        cv.paint(cv.disc(cy, x, r + 0.7), ink)
        cv.paint(cv.disc(cy, x, r), body)
        cv.paint(0.35 * cv.disc(cy + 0.4 * r, x + 0.3 * r, 0.55 * r), body * 0.55)
        cv.paint(0.8 * cv.disc(cy - 0.4 * r, x - face * 0.35 * r, 0.28 * r), (1, 1, 1))
    elif scene.object == "boat":
        top, width = base - 3.2 * s, 7.5 * s
        cv.paint(_hull(cv, top - 0.7, base + 0.6, x, width + 0.8), ink)
        cv.paint(_hull(cv, top, base, x, width), body)
        mast_x = x - face * 1.0 * s
        mast_top = top - 11.0 * s
        cv.paint(cv.segment((top, mast_x), (mast_top, mast_x), 1.0), ink)
        # the sail: a right triangle between the mast and the boom
        u = (cv.y - mast_top) / (top - 1.0 - mast_top)
        reach = face * (cv.x - mast_x - face * 0.6)
        sail = (u > 0) & (u < 1) & (reach > 0) & (reach < u * 6.0 * s)
        cv.paint(sail.astype(float), np.asarray((0.97, 0.96, 0.90)) * light)
    else:  # tree
        trunk_top = base - 6.0 * s
        cv.paint(cv.rect(trunk_top, base, x - 1.0 * s - 0.5, x + 1.0 * s + 0.5), ink)
        cv.paint(cv.rect(trunk_top, base, x - 1.0 * s, x + 1.0 * s), np.asarray((0.45, 0.28, 0.12)) * light)
        crown = [(trunk_top - 4.0 * s, x, 4.6 * s)]
        crown += [(trunk_top - 1.8 * s, x + d * 3.2 * s, 3.3 * s) for d in (-1, 1)]
        crown.append((trunk_top - 7.2 * s, x + face * 0.8 * s, 3.2 * s))
        outline = np.max([cv.disc(cy, cx, r + 0.7) for cy, cx, r in crown], axis=0)
        leaves = np.max([cv.disc(cy, cx, r) for cy, cx, r in crown], axis=0)
        cv.paint(outline, ink)
        cv.paint(leaves, body)
        cv.paint(0.3 * cv.disc(trunk_top - 5.0 * s, x - face * 1.5 * s, 1.8 * s), body * 0.6)


def render(scene: Scene, rng: np.random.Generator, *, with_object: bool = True) -> np.ndarray:
    """Draw one random instance of a scene as a (32, 32, 3) uint8 array."""
    cv = _Canvas()
    horizon = rng.uniform(10.5, 16.0)
    _draw_sky(cv, scene, horizon, rng)
    _draw_ground(cv, scene, horizon, rng)
    if with_object:
        _draw_object(cv, scene, horizon, rng)
    return cv.image()


def render_many(scenes: Sequence[Scene], seed: int, *, with_object: bool = True) -> np.ndarray:
    """Draw scenes[i] with its own stream of randomness; (N, 32, 32, 3) uint8, same for a seed."""
    streams = np.random.SeedSequence(seed).spawn(len(scenes))
    return np.stack(
        [render(s, np.random.default_rng(st), with_object=with_object) for s, st in zip(scenes, streams, strict=True)]
    )


def render_prompt(prompt: str, n: int, seed: int = 0) -> np.ndarray:
    """n real renders of the scene a prompt names."""
    if not 1 <= n <= 4096:
        raise ValueError(f"n={n} images: ask for between 1 and 4096")
    return render_many([parse_prompt(prompt)] * n, seed)


@dataclass(frozen=True)
class Dataset:
    """Images, the token ids of a caption for each, and the four attribute labels."""

    images: np.ndarray  # (N, 32, 32, 3) uint8
    tokens: np.ndarray  # (N, MAX_WORDS) int64
    labels: np.ndarray  # (N, 4) int64, in ATTRIBUTES order

    def __len__(self) -> int:
        return len(self.images)


def make_dataset(n: int, seed: int, scenes: Sequence[Scene] = TRAIN_SCENES, cache: Path | None = None) -> Dataset:
    """n captioned renders drawn uniformly from scenes; cached on disk by content when asked."""
    key = hashlib.sha256(Path(__file__).read_bytes() + repr((n, seed, scenes)).encode()).hexdigest()[:16]
    path = cache / f"world-{key}.npz" if cache is not None else None
    if path is not None and path.exists():
        with np.load(path) as f:
            return Dataset(f["images"], f["tokens"], f["labels"])
    rng = np.random.default_rng(seed)
    chosen = [scenes[int(i)] for i in rng.integers(len(scenes), size=n)]
    images = render_many(chosen, seed + 1)
    tokens = np.array([encode(caption(s, rng)) for s in chosen], dtype=np.int64)
    labels = np.array([s.labels for s in chosen], dtype=np.int64)
    data = Dataset(images, tokens, labels)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, images=images, tokens=tokens, labels=labels)
        tmp.replace(path)
    return data
