"""Every measurement on the site, defined once, and the one protocol every painter is measured by.

The protocol: each painter paints every other trained scene (70 of the 140, fixed) and the 4
held-out ones, each asked for in varied wording (captions from the world's own caption
generator, a different one for every picture), and its pictures are compared with real renders
of the same scenes on every metric below. The judge reads both. Real renders measured against
other real renders give the ceiling: what "as good as the world itself" scores. Every number
comes with its noise: a 90% interval from half-samples of the scenes (HALVES random halves; the
spread of a half's value, shrunk by sqrt(2) to the whole's), so a page can tell a gap from noise.

The metrics:
- prompt match: the share of pictures whose object, colour, place and time the judge reads as
  asked ("all four" needs every one right, and the picture to be a scene at all);
- sharpness ratio: edge energy (variance of the Laplacian) against real renders';
- diversity ratios: how far apart a scene's pictures are from each other, against real renders',
  in pixels, in the judge's features, and in layout (where things stand, as the judge reads it);
- layout coverage: the share of real layouts that some painted layout comes close to, per scene:
  a painter that puts every object in the same place covers few;
- precision and recall (Kynkaanniemi et al., 2019) and the Frechet distance (as in FID, Heusel
  et al., 2017) in the judge's feature space, over all pictures at once.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm

from painters import canvas
from painters.core import cache
from painters.measure import judge

#: Pictures per scene: every other trained scene gets SAMPLES_PER_SCENE, the four held-out ones
#: HELD_OUT_SAMPLES each, so that their prompt match rests on more than a few pictures.
SAMPLES_PER_SCENE = 8
HELD_OUT_SAMPLES = 32
HALVES = 100  # random halves of the scenes behind each interval
INTERVAL = 1.645  # a 90% interval: estimate +- 1.645 standard deviations
PAINT_CHUNK = 256  # pictures asked of a painter in one call
REFERENCE_SEED = 30_000  # real renders measured against
SECOND_REFERENCE_SEED = 40_000  # other real renders, for the real-vs-real ceiling


def prompt_match(images: np.ndarray, scene: canvas.Scene, readings: judge.Readings | None = None) -> dict[str, float]:
    """Share of images whose object, colour, place and time the judge reads as the scene's.

    'all four' needs every attribute right and the image to be a scene at all.
    """
    r = readings or judge.read(images)
    hits = {name: np.array([v == getattr(scene, name) for v in r.names[name]]) for name in canvas.ATTRIBUTES}
    all_four = np.logical_and.reduce([*hits.values(), r.scene_probability > 0.5])
    return {**{k: float(v.mean()) for k, v in hits.items()}, "all four": float(all_four.mean())}


def sharpness(images: np.ndarray) -> float:
    """Mean variance of the Laplacian of each image's grey levels: edges and texture, not blur."""
    grey = images.astype(np.float64).mean(-1) / 255.0
    lap = grey[:, :-2, 1:-1] + grey[:, 2:, 1:-1] + grey[:, 1:-1, :-2] + grey[:, 1:-1, 2:] - 4 * grey[:, 1:-1, 1:-1]
    return float(lap.reshape(len(images), -1).var(axis=1).mean())


def mean_pairwise_distance(vectors: np.ndarray) -> float:
    """Average Euclidean distance between every pair of rows."""
    v = vectors.reshape(len(vectors), -1).astype(np.float64)
    if len(v) < 2:
        raise ValueError("diversity needs at least two images")
    return float(_distances(v, v)[np.triu_indices(len(v), 1)].mean())


def pixel_diversity(images: np.ndarray) -> float:
    """Mean pairwise RMS pixel distance, in [0, 1] units."""
    return mean_pairwise_distance(images.astype(np.float64) / 255.0) / np.sqrt(images[0].size)


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a.astype(np.float64), b.astype(np.float64)
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
    return np.sqrt(np.clip(d2, 0, None))


def coverage(real: np.ndarray, fake: np.ndarray, k: int = 3) -> float:
    """Recall (Kynkaanniemi et al., 2019): the share of real points that lie inside the ball of
    some fake point, each fake's ball reaching to its k-th nearest fake neighbour."""
    radii = np.sort(_distances(fake, fake), axis=1)[:, min(k, len(fake) - 1)]  # column 0: the point itself
    return float((_distances(real, fake) <= radii[None, :]).any(axis=1).mean())


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = 3) -> tuple[float, float]:
    """Fidelity and coverage with k-nearest-neighbour balls (Kynkaanniemi et al., 2019).

    Precision: share of fakes inside some real's ball. Recall: share of reals inside some
    fake's ball. A mode-collapsed painter has high precision and low recall.
    """
    return coverage(fake, real, k), coverage(real, fake, k)


def frechet_distance(real: np.ndarray, fake: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to two sets of feature vectors (as in FID)."""
    mu1, mu2 = real.mean(0), fake.mean(0)
    s1, s2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    vals, vecs = np.linalg.eigh(s1)
    root1 = (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T
    middle = np.linalg.eigvalsh(root1 @ s2 @ root1)
    cross = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * cross)


# --- the protocol ---------------------------------------------------------------------------------


def captions(scenes: Sequence[canvas.Scene], n: int, seed: int = 0) -> list[str]:
    """n varied captions for each scene, scene after scene (the same for a seed)."""
    out = []
    for i, scene in enumerate(scenes):
        rng = np.random.default_rng([seed, i])
        out += [canvas.caption(scene, rng) for _ in range(n)]
    return out


def reference(scenes: Sequence[canvas.Scene], n: int, seed: int = REFERENCE_SEED) -> np.ndarray:
    """n real renders of each scene, scene after scene: (len(scenes) * n, 32, 32, 3)."""
    return canvas.render_many([s for s in scenes for _ in range(n)], seed)


Painting = Callable[[list[str], int], np.ndarray]  # (one prompt per picture, seed) -> pictures


def paint_all(paint: Painting, prompts: Sequence[str], label: str = "") -> np.ndarray:
    """Ask a painter for one picture per prompt, PAINT_CHUNK at a time (chunk k with seed k).

    A chunk that another process is painting into the cache right now is left for last (and
    then read from that process's copy), so two processes measuring one painter share the work.
    With a label, a terminal shows a progress bar: which painter, pictures of how many, time left.
    """
    chunks = [list(prompts[i : i + PAINT_CHUNK]) for i in range(0, len(prompts), PAINT_CHUNK)]
    done: dict[int, np.ndarray] = {}
    shown = bool(label) and sys.stderr.isatty()
    with tqdm(total=len(prompts), desc=label, unit="picture", disable=not shown, leave=False, file=sys.stderr) as bar:
        with cache.deferring():
            for k, chunk in enumerate(chunks):
                with contextlib.suppress(cache.BusyError):
                    done[k] = paint(chunk, k)
                    bar.update(len(chunk))
        for k, chunk in enumerate(chunks):
            if k not in done:
                done[k] = paint(chunk, k)
                bar.update(len(chunk))
    return np.concatenate([done[k] for k in range(len(chunks))])


@dataclass
class Measurement:
    """A set of pictures against real renders of the same scenes, each number with its interval."""

    prompt_match: dict[str, float]  # per attribute and "all four"
    sharpness_ratio: float  # painter / real; 1 is as crisp as the world itself
    pixel_diversity_ratio: float  # painter / real, mean pairwise pixel distance within a scene
    feature_diversity_ratio: float  # the same in the judge's feature space
    layout_diversity_ratio: float  # the same in layout (the judge's reading of where things stand)
    layout_coverage: float  # share of real layouts some painted one comes close to, per scene
    precision: float  # fidelity: share of pictures that land among real renders (judge features)
    recall: float  # coverage: share of real renders that some picture lands near
    frechet: float  # Frechet distance in the judge's feature space
    scenes: int
    pictures: int
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)  # 90%, by INTERVAL_KEYS

    def as_dict(self) -> dict[str, Any]:
        """The measurement as a manifest keeps it (plain floats, intervals as lists): what is
        saved and what is read back compare equal."""
        return json.loads(json.dumps(self.__dict__))

    def value(self, key: str) -> float:
        """A number by its interval key: 'all four' and the attributes are prompt match."""
        return float(self.prompt_match[key] if key in self.prompt_match else getattr(self, key))

    def interval(self, key: str) -> tuple[float, float]:
        return self.intervals[key]

    def as_array(self) -> np.ndarray:
        """Every number in a fixed order (prompt match by MATCH_KEYS, the other fields, then each
        interval by INTERVAL_KEYS), for keeping in the cache; `from_array` gives it back."""
        rest = [float(getattr(self, name)) for name in _NUMBERS]
        bounds = [b for key in INTERVAL_KEYS for b in self.intervals[key]]
        return np.array([self.prompt_match[k] for k in MATCH_KEYS] + rest + bounds, dtype=np.float64)

    @classmethod
    def from_array(cls, values: np.ndarray) -> Measurement:
        m, r = len(MATCH_KEYS), len(MATCH_KEYS) + len(_NUMBERS)
        match = dict(zip(MATCH_KEYS, map(float, values[:m]), strict=True))
        rest = dict(zip(_NUMBERS, map(float, values[m:r]), strict=True))
        bounds = values[r:].reshape(-1, 2)
        intervals = {key: (float(lo), float(hi)) for key, (lo, hi) in zip(INTERVAL_KEYS, bounds, strict=True)}
        numbers = {k: int(v) if k in ("scenes", "pictures") else v for k, v in rest.items()}
        return cls(match, **numbers, intervals=intervals)  # type: ignore[arg-type]


MATCH_KEYS = (*canvas.ATTRIBUTES, "all four")  # prompt_match's keys, in order
_NUMBERS = tuple(name for name in Measurement.__dataclass_fields__ if name not in ("prompt_match", "intervals"))
#: The numbers that get an interval.
INTERVAL_KEYS = (
    "all four", "sharpness_ratio", "pixel_diversity_ratio", "feature_diversity_ratio", "layout_diversity_ratio",
    "layout_coverage", "precision", "recall", "frechet",
)  # fmt: skip
ARRAY_SIZE = len(MATCH_KEYS) + len(_NUMBERS) + 2 * len(INTERVAL_KEYS)


def compare(fakes: np.ndarray, reals: np.ndarray, scenes: Sequence[canvas.Scene]) -> Measurement:
    """Every metric of pictures against real renders, both laid out scene after scene with the
    same number per scene, each with its 90% interval (from random halves of the scenes)."""
    if len(fakes) != len(reals) or len(fakes) % len(scenes):
        raise ValueError(f"{len(fakes)} pictures and {len(reals)} renders for {len(scenes)} scenes")
    n = len(fakes) // len(scenes)
    fr, rr = judge.read(fakes), judge.read(reals)
    match = np.array(
        [
            [prompt_match(fakes[i * n : (i + 1) * n], s, scene_readings(fr, i, n))[k] for k in MATCH_KEYS]
            for i, s in enumerate(scenes)
        ]
    )  # fmt: skip  (scenes, len(MATCH_KEYS))

    def per_scene(values: np.ndarray, measure: Callable[[np.ndarray], float]) -> np.ndarray:
        return np.array([measure(values[i * n : (i + 1) * n]) for i in range(len(scenes))])

    sharp_fake, sharp_real = per_scene(fakes, sharpness), per_scene(reals, sharpness)  # each a mean over n
    ratios = {
        "pixel_diversity_ratio": per_scene(fakes, pixel_diversity) / per_scene(reals, pixel_diversity),
        "feature_diversity_ratio": per_scene(fr.features, mean_pairwise_distance)
        / per_scene(rr.features, mean_pairwise_distance),
        "layout_diversity_ratio": per_scene(fr.layout_scores, mean_pairwise_distance)
        / per_scene(rr.layout_scores, mean_pairwise_distance),
    }
    cover = np.array(
        [coverage(rr.layout_scores[i * n : (i + 1) * n], fr.layout_scores[i * n : (i + 1) * n])
         for i in range(len(scenes))]
    )  # fmt: skip

    def summary(chosen: np.ndarray) -> dict[str, float]:
        rows = (chosen[:, None] * n + np.arange(n)).ravel()  # the pictures of the chosen scenes
        precision, recall = precision_recall(rr.features[rows], fr.features[rows])
        return {
            **dict(zip(MATCH_KEYS, match[chosen].mean(0), strict=True)),
            "sharpness_ratio": float(sharp_fake[chosen].mean() / sharp_real[chosen].mean()),
            **{k: float(v[chosen].mean()) for k, v in ratios.items()},
            "layout_coverage": float(cover[chosen].mean()),
            "precision": precision,
            "recall": recall,
            "frechet": frechet_distance(rr.features[rows], fr.features[rows]),
        }

    every = np.arange(len(scenes))
    whole = summary(every)
    intervals = {key: (whole[key], whole[key]) for key in INTERVAL_KEYS}
    if len(scenes) >= 4:
        rng = np.random.default_rng(0)
        halves = [summary(np.sort(rng.permutation(every)[: len(scenes) // 2])) for _ in range(HALVES)]
        for key in INTERVAL_KEYS:
            spread = INTERVAL * float(np.std([h[key] for h in halves])) / np.sqrt(2)
            intervals[key] = (whole[key] - spread, whole[key] + spread)
    return Measurement(
        prompt_match={k: whole[k] for k in MATCH_KEYS},
        sharpness_ratio=whole["sharpness_ratio"],
        pixel_diversity_ratio=whole["pixel_diversity_ratio"],
        feature_diversity_ratio=whole["feature_diversity_ratio"],
        layout_diversity_ratio=whole["layout_diversity_ratio"],
        layout_coverage=whole["layout_coverage"],
        precision=whole["precision"],
        recall=whole["recall"],
        frechet=whole["frechet"],
        scenes=len(scenes),
        pictures=len(fakes),
        intervals=intervals,
    )


def scene_readings(r: judge.Readings, i: int, n: int) -> judge.Readings:
    """The readings of scene i's n pictures."""
    s = slice(i * n, (i + 1) * n)
    return judge.Readings(
        {k: v[s] for k, v in r.names.items()},
        {k: v[s] for k, v in r.confidence.items()},
        r.scene_probability[s],
        r.features[s],
        r.layout_scores[s],
        r.layout[s],
    )


#: The trained scenes the protocol measures: every other one, a fixed half of the 140.
MEASURED_SCENES: tuple[canvas.Scene, ...] = canvas.TRAIN_SCENES[::2]


def groups() -> dict[str, tuple[tuple[canvas.Scene, ...], int]]:
    """The protocol's two groups of scenes and how many pictures each scene gets."""
    return {"trained": (MEASURED_SCENES, SAMPLES_PER_SCENE), "held_out": (canvas.HELD_OUT, HELD_OUT_SAMPLES)}


def protocol() -> dict[str, object]:
    """The protocol in words and numbers, for a curve file or a page to declare."""
    return {
        "groups": {g: {"scenes": len(s), "pictures_per_scene": n} for g, (s, n) in groups().items()},
        "trained_scenes": "every other trained scene (canvas.TRAIN_SCENES[::2])",
        "captions": "varied wording, metrics.captions with seed 0",
        "reference_seed": REFERENCE_SEED,
        "interval": f"90%: estimate +- {INTERVAL} x the spread over {HALVES} random halves of the scenes / sqrt(2)",
    }


def measure(
    paint: Painting, reals: Callable[[Sequence[canvas.Scene], int], np.ndarray] = reference, label: str = ""
) -> dict[str, Measurement]:
    """A painter on the protocol: {"trained": ..., "held_out": ...} (a label shows progress)."""
    out = {}
    for group, (scenes, n) in groups().items():
        pictures = paint_all(paint, captions(scenes, n), f"{label}, {group.replace('_', '-')} scenes" if label else "")
        out[group] = compare(pictures, reals(scenes, n), scenes)
    return out


def real_vs_real() -> dict[str, Measurement]:
    """Real renders measured as if a painter had made them: the ceiling of every metric."""
    out = {}
    for group, (scenes, n) in groups().items():
        out[group] = compare(reference(scenes, n, SECOND_REFERENCE_SEED), reference(scenes, n), scenes)
    return out
