"""Drawing scenes: a procedural renderer of 32x32 pictures, many scenes at once.

A scene is drawn in two passes. First its *plan*: every random choice (where the horizon is,
where the object stands, how many stars...) is drawn from the scene's own random stream, a
few dozen numbers. Then a whole batch of plans is painted at once, layer by layer (sky,
ground, object), with numpy arrays of shape (scenes, 32, 32): one array operation paints the
same layer of hundreds of scenes. Edges are anti-aliased analytically: a shape covers a pixel
by how far the pixel's centre lies inside its edge, clipped to [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from painters.canvas.scenes import SIZE, Scene, check_count, check_seed
from painters.canvas.words import parse_prompt

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
INK = (0.08, 0.07, 0.07)
HALF_WIDTH = {"bicycle": 10.0, "ball": 5.5, "boat": 8.0, "tree": 6.5}  # at size 1, in pixels
GRAIN = 0.01  # pixel-to-pixel noise of sand, grass and snow
RENDER_BATCH = 512  # scenes painted together: ~12 MB of float32 canvas

#: What a render's layout records, per image, in pixels (size: a factor around 1; facing: -1
#: or 1). `sky_y, sky_x` is the sun (noon, sunset) or the moon (night). The judge learns to
#: read these back from pictures, which is how the site measures a painter's layouts.
LAYOUT_FIELDS = ("horizon", "object_x", "object_base", "object_size", "facing", "sky_y", "sky_x")


@dataclass
class _Plan:
    """Every random choice of one render, drawn before any pixel is painted."""

    scene: Scene
    with_object: bool
    horizon: float
    sky: tuple[float, float, float]  # the sun's or moon's centre and radius
    moon_side: float  # which side the crescent's bite is on
    specks: list[tuple[float, float]]  # stars at night, clouds at noon
    ground: dict[str, float]  # shore (beach)
    dots: list[tuple[float, float, float]]  # shells, flowers (with a tint flag) or snowdrifts
    grain: np.ndarray  # (SIZE, SIZE)
    size: float = 1.0
    facing: float = 1.0
    x: float = float("nan")
    base: float = float("nan")
    extra: float = 0.0  # the ball's radius factor

    def layout(self) -> tuple[float, ...]:
        object_x, base = (self.x, self.base) if self.with_object else (float("nan"), float("nan"))
        size, facing = (self.size, self.facing) if self.with_object else (float("nan"), float("nan"))
        return (self.horizon, object_x, base, size, facing, self.sky[0], self.sky[1])


def _plan(scene: Scene, rng: np.random.Generator, with_object: bool) -> _Plan:
    """Draw every random choice of a render, in a fixed order."""
    horizon = float(rng.uniform(10.5, 16.0))
    specks: list[tuple[float, float]] = []
    moon_side = 0.0
    if scene.time == "noon":
        sky = (rng.uniform(3, horizon - 6), rng.uniform(4, SIZE - 4), rng.uniform(2.3, 3.2))
        specks = [(rng.uniform(2, horizon - 4), rng.uniform(0, SIZE)) for _ in range(int(rng.integers(0, 3)))]
    elif scene.time == "sunset":
        sx = rng.uniform(5, SIZE - 5)
        sky = (horizon - rng.uniform(0.5, 2.5), sx, rng.uniform(3.2, 4.4))
    else:
        specks = [(rng.uniform(0.5, horizon - 2), rng.uniform(0, SIZE)) for _ in range(int(rng.integers(4, 10)))]
        sky = (rng.uniform(3, horizon - 5), rng.uniform(4, SIZE - 4), rng.uniform(2.2, 3.0))
        moon_side = float(rng.choice((-1.3, 1.3)))
    ground: dict[str, float] = {}
    dots: list[tuple[float, float, float]] = []
    if scene.place == "beach":
        ground = {"shore": rng.uniform(3, 5.5), "frequency": rng.uniform(0.4, 0.8), "phase": rng.uniform(0, 6)}
        shore = horizon + ground["shore"]
        dots = [(rng.uniform(shore + 1, SIZE - 1), rng.uniform(1, SIZE - 1), 0.0) for _ in range(rng.integers(1, 4))]
    elif scene.place == "meadow":
        dots = [
            (rng.uniform(horizon + 1.5, SIZE - 0.5), rng.uniform(0, SIZE), float(rng.random() < 0.5))
            for _ in range(int(rng.integers(3, 8)))
        ]
    else:
        dots = [(rng.uniform(horizon + 2, SIZE), rng.uniform(0, SIZE), 0.0) for _ in range(int(rng.integers(1, 3)))]
    plan = _Plan(
        scene,
        with_object,
        horizon,
        (float(sky[0]), float(sky[1]), float(sky[2])),
        moon_side,
        specks,
        ground,
        dots,
        rng.normal(0, GRAIN, (SIZE, SIZE)).astype(np.float32),
    )
    if with_object:
        plan.size = float(rng.uniform(0.85, 1.15))
        plan.facing = float(rng.choice((-1.0, 1.0)))
        half_width = HALF_WIDTH[scene.object] * plan.size
        plan.x = float(rng.uniform(half_width + 1, SIZE - half_width - 1))
        plan.base = float(rng.uniform(max(horizon + 8, SIZE - 9), SIZE - 1.5))
        plan.extra = float(rng.uniform(3.8, 5.2)) if scene.object == "ball" else 0.0
    return plan


_Y, _X = np.meshgrid(np.arange(SIZE, dtype=np.float32) + 0.5, np.arange(SIZE, dtype=np.float32) + 0.5, indexing="ij")


def _c(rgb: Iterable[float]) -> np.ndarray:
    """A colour (or any few numbers) as a float32 array."""
    return np.asarray(tuple(rgb), dtype=np.float32)


def _col(values: Iterable[float]) -> np.ndarray:
    """Per-scene numbers as a (n, 1, 1) column that broadcasts over the pixel grid."""
    return np.asarray(list(values), dtype=np.float32)[:, None, None]


def _rgb(values: Iterable[Iterable[float]]) -> np.ndarray:
    """Per-scene colours as (n, 1, 1, 3)."""
    return np.asarray([tuple(v) for v in values], dtype=np.float32)[:, None, None, :]


def _cover(inside: np.ndarray) -> np.ndarray:
    """Coverage of a pixel from the signed distance of its centre inside an edge."""
    return np.clip(inside + 0.5, 0.0, 1.0)


def _disc(cy: np.ndarray, cx: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    return _cover(r - np.hypot(_Y - cy, _X - cx))


def _ring(cy: np.ndarray, cx: np.ndarray, r: np.ndarray, width: float) -> np.ndarray:
    """A circle's outline, `width` pixels thick, its outer edge at radius r."""
    return _cover(width / 2 - np.abs(np.hypot(_Y - cy, _X - cx) - (r - width / 2)))


def _segment(p: tuple[np.ndarray, np.ndarray], q: tuple[np.ndarray, np.ndarray], width: float) -> np.ndarray:
    (py, px), (qy, qx) = p, q
    vy, vx = qy - py, qx - px
    t = np.clip(((_Y - py) * vy + (_X - px) * vx) / np.maximum(vy * vy + vx * vx, 1e-9), 0, 1)
    return _cover(width / 2 - np.hypot(_Y - (py + t * vy), _X - (px + t * vx)))


def _rect(top: np.ndarray, bottom: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return _cover(np.minimum(_Y - top, bottom - _Y)) * _cover(np.minimum(_X - left, right - _X))


def _hull(top: np.ndarray, bottom: np.ndarray, cx: np.ndarray, width: np.ndarray) -> np.ndarray:
    """A trapezoid, wide at the deck and narrower at the keel."""
    half = width - 0.35 * width * np.clip((_Y - top) / (bottom - top), 0, 1)
    return _cover(half - np.abs(_X - cx)) * _cover(np.minimum(_Y - top, bottom - _Y))


class _Layer:
    """The canvases of a group of scenes, painted over in place."""

    def __init__(self, rgb: np.ndarray) -> None:
        self.rgb = rgb  # (n, SIZE, SIZE, 3) float32

    def paint(self, mask: np.ndarray, colour: np.ndarray) -> None:
        self.rgb += (colour - self.rgb) * mask[..., None]  # rgb * (1 - mask) + colour * mask


def _paint_sky(layer: _Layer, plans: list[_Plan]) -> None:
    time_of_day = plans[0].scene.time
    top, low, _, _ = (np.asarray(c, dtype=np.float32) for c in TIME_LOOK[time_of_day])
    t = np.clip(_Y / _col(p.horizon for p in plans), 0, 1)[..., None]
    layer.rgb[:] = top * (1 - t) + low * t
    sy, sx, r = (_col(p.sky[i] for p in plans) for i in range(3))
    if time_of_day == "noon":
        layer.paint(_disc(sy, sx, r), _c((1.0, 0.97, 0.70)))
        for k in range(max(len(p.specks) for p in plans)):  # a cloud or two
            here = _col(k < len(p.specks) for p in plans)
            cy, cx = (_col(p.specks[k][i] if k < len(p.specks) else -99.0 for p in plans) for i in (0, 1))
            puff = np.maximum(_disc(cy, cx, 1.6), _disc(cy + 0.6, cx + 2.0, 1.4))
            layer.paint(0.85 * here * puff, _c((0.97, 0.98, 1.0)))
    elif time_of_day == "sunset":
        layer.paint(_disc(sy, sx, r), _c((1.0, 0.42, 0.12)))
    else:
        for k in range(max(len(p.specks) for p in plans)):  # stars
            here = _col(k < len(p.specks) for p in plans)
            cy, cx = (_col(p.specks[k][i] if k < len(p.specks) else -99.0 for p in plans) for i in (0, 1))
            layer.paint(0.8 * here * _disc(cy, cx, 0.5), _c((1.0, 1.0, 0.9)))
        bite = _disc(sy - 0.8, sx + _col(p.moon_side for p in plans), r * 0.85)
        layer.paint(_disc(sy, sx, r) * (1 - bite), _c((0.96, 0.95, 0.80)))


def _paint_ground(layer: _Layer, plans: list[_Plan]) -> None:
    place = plans[0].scene.place
    light = _rgb(TIME_LOOK[p.scene.time][2] for p in plans)
    horizon = _col(p.horizon for p in plans)
    below = _cover(_Y - horizon)
    depth = np.clip((_Y - horizon) / (SIZE - horizon), 0, 1)[..., None]
    grain = np.stack([p.grain for p in plans])[..., None]

    def dots(kind: str) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        for k in range(max(len(p.dots) for p in plans)):
            here = _col(k < len(p.dots) for p in plans)
            y, x, flag = (_col(p.dots[k][i] if k < len(p.dots) else -99.0 for p in plans) for i in range(3))
            yield here, y, x, flag

    if place == "beach":
        shore = horizon + _col(p.ground["shore"] for p in plans)
        shore = shore + 0.6 * np.sin(
            _X * _col(p.ground["frequency"] for p in plans) + _col(p.ground["phase"] for p in plans)
        )
        layer.paint(below, _c((0.10, 0.38, 0.70)) * (1 - 0.3 * depth) * light)
        sand = (_c((0.93, 0.82, 0.55)) * (1 - 0.12 * depth) + grain) * light
        layer.paint(below * _cover(_Y - shore), sand)
        for here, y, x, _ in dots("shells"):
            layer.paint(here * _disc(y, x, 0.6), _c((1.0, 0.93, 0.88)) * light)
    elif place == "meadow":
        layer.paint(below, (_c((0.30, 0.62, 0.22)) * (1 - 0.35 * depth) + grain) * light)
        for here, y, x, white in dots("flowers"):
            tint = white[..., None] * _c((1.0, 1.0, 1.0)) + (1 - white[..., None]) * _c((1.0, 0.6, 0.8))
            layer.paint(here * _disc(y, x, 0.55), tint * light)
    else:
        layer.paint(below, (_c((0.93, 0.95, 1.00)) * (1 - 0.10 * depth) + 0.6 * grain) * light)
        for here, y, x, _ in dots("drifts"):  # drifts with a blue shadow
            drift = _disc(y + 1.5, x, 3.0) * _cover(_Y - y)
            layer.paint(0.6 * here * drift, _c((0.72, 0.80, 0.95)) * light)


def _paint_object(layer: _Layer, plans: list[_Plan]) -> None:
    kind = plans[0].scene.object
    light = _rgb(TIME_LOOK[p.scene.time][3] for p in plans)
    body = _rgb(COLOUR_RGB[p.scene.colour] for p in plans) * light
    ink = _c(INK) * light
    s, face = _col(p.size for p in plans), _col(p.facing for p in plans)
    x, base = _col(p.x for p in plans), _col(p.base for p in plans)
    half_width = HALF_WIDTH[kind] * s
    layer.paint(0.35 * _disc(base, x, half_width) * np.clip(1.5 - np.abs(_Y - base), 0, 1), _c((0, 0, 0)))

    if kind == "bicycle":
        r = 3.7 * s
        rear, front = (base - r, x - face * 5.8 * s), (base - r, x + face * 5.8 * s)
        crank = (base - r, x - face * 0.3 * s)
        seat = (base - r - 5.0 * s, x - face * 1.8 * s)
        head = (base - r - 5.0 * s, x + face * 4.0 * s)
        for cy, cx in (rear, front):  # tyres, then the frame over them
            layer.paint(_ring(cy, cx, r, 1.3), ink)
            layer.paint(_disc(cy, cx, 0.6), ink)
        bars = ((rear, seat), (rear, crank), (crank, seat), (crank, head), (seat, head), (head, front))
        for width, colour in ((1.9, ink), (1.25, body)):
            frame = np.max([_segment(p, q, width) for p, q in bars], axis=0)
            layer.paint(frame, colour)
        saddle_y = seat[0] - 1.2 * s
        layer.paint(_segment((saddle_y, seat[1] - 1.4 * s), (saddle_y, seat[1] + 1.4 * s), 1.1), ink)
        bar = (head[0] - 1.4 * s, head[1] + face * 0.6 * s)
        layer.paint(np.maximum(_segment(head, bar, 1.0), _segment(bar, (bar[0], bar[1] + face * 1.6 * s), 1.0)), ink)
    elif kind == "ball":
        r = _col(p.extra for p in plans) * s
        cy = base - r
        layer.paint(_disc(cy, x, r + 0.7), ink)
        layer.paint(_disc(cy, x, r), body)
        layer.paint(0.35 * _disc(cy + 0.4 * r, x + 0.3 * r, 0.55 * r), body * 0.55)
        layer.paint(0.8 * _disc(cy - 0.4 * r, x - face * 0.35 * r, 0.28 * r), _c((1, 1, 1)))
    elif kind == "boat":
        top, beam = base - 3.2 * s, 7.5 * s
        layer.paint(_hull(top - 0.7, base + 0.6, x, beam + 0.8), ink)
        layer.paint(_hull(top, base, x, beam), body)
        mast_x, mast_top = x - face * 1.0 * s, top - 11.0 * s
        layer.paint(_segment((top, mast_x), (mast_top, mast_x), 1.0), ink)
        # the sail: a right triangle between the mast and the boom, its slanted edge anti-aliased
        height = top - 1.0 - mast_top
        reach = face * (_X - mast_x - face * 0.6)
        slant = ((_Y - mast_top) / height * 6.0 * s - reach) / np.sqrt(1 + (6.0 * s / height) ** 2)
        sail = _cover(np.minimum(np.minimum(_Y - mast_top, top - 1.0 - _Y), np.minimum(reach, slant)))
        layer.paint(sail, _c((0.97, 0.96, 0.90)) * light)
    else:  # tree
        trunk_top = base - 6.0 * s
        layer.paint(_rect(trunk_top, base, x - 1.0 * s - 0.5, x + 1.0 * s + 0.5), ink)
        layer.paint(_rect(trunk_top, base, x - 1.0 * s, x + 1.0 * s), _c((0.45, 0.28, 0.12)) * light)
        crown = [(trunk_top - 4.0 * s, x, 4.6 * s)]
        crown += [(trunk_top - 1.8 * s, x + d * 3.2 * s, 3.3 * s) for d in (-1, 1)]
        crown.append((trunk_top - 7.2 * s, x + face * 0.8 * s, 3.2 * s))
        layer.paint(np.max([_disc(cy, cx, r + 0.7) for cy, cx, r in crown], axis=0), ink)
        layer.paint(np.max([_disc(cy, cx, r) for cy, cx, r in crown], axis=0), body)
        layer.paint(0.3 * _disc(trunk_top - 5.0 * s, x - face * 1.5 * s, 1.8 * s), body * 0.6)


def _paint(plans: Sequence[_Plan]) -> np.ndarray:
    """Paint plans into (N, SIZE, SIZE, 3) uint8, a layer at a time for each group of scenes."""
    rgb = np.zeros((len(plans), SIZE, SIZE, 3), dtype=np.float32)
    stages: tuple[tuple[Callable[[_Layer, list[_Plan]], None], Callable[[_Plan], str | None]], ...] = (
        (_paint_sky, lambda p: p.scene.time),
        (_paint_ground, lambda p: p.scene.place),
        (_paint_object, lambda p: p.scene.object if p.with_object else None),
    )
    for paint, group in stages:
        for key in sorted({k for k in map(group, plans) if k is not None}):
            index = np.array([i for i, p in enumerate(plans) if group(p) == key])
            layer = _Layer(rgb[index])
            paint(layer, [plans[i] for i in index])
            rgb[index] = layer.rgb
    return (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8)


def render_many_with_layout(
    scenes: Sequence[Scene], seed: int, *, with_object: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Draw scenes[i] with its own stream of randomness: (N, 32, 32, 3) uint8 images and their
    (N, len(LAYOUT_FIELDS)) float32 layouts (NaN for the object's fields of an empty scene).
    The same seed gives the same pictures; pictures do not depend on how many are drawn at once."""
    streams = np.random.SeedSequence(seed).spawn(len(scenes))
    plans = [_plan(s, np.random.default_rng(st), with_object) for s, st in zip(scenes, streams, strict=True)]
    images = np.empty((len(plans), SIZE, SIZE, 3), dtype=np.uint8)
    for start in range(0, len(plans), RENDER_BATCH):
        images[start : start + RENDER_BATCH] = _paint(plans[start : start + RENDER_BATCH])
    layouts = np.array([p.layout() for p in plans], dtype=np.float32).reshape(len(plans), len(LAYOUT_FIELDS))
    return images, layouts


def render_many(scenes: Sequence[Scene], seed: int, *, with_object: bool = True) -> np.ndarray:
    """Draw scenes[i] with its own stream of randomness; (N, 32, 32, 3) uint8, same for a seed."""
    return render_many_with_layout(scenes, seed, with_object=with_object)[0]


def render(scene: Scene, rng: np.random.Generator, *, with_object: bool = True) -> np.ndarray:
    """Draw one random instance of a scene as a (32, 32, 3) uint8 array."""
    return _paint([_plan(scene, rng, with_object)])[0]


def render_prompt(prompt: str, n: int, seed: int = 0) -> np.ndarray:
    """n real renders of the scene a prompt names."""
    check_count(n)
    check_seed(seed)
    return render_many([parse_prompt(prompt)] * n, seed)
