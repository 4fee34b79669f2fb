"""Captioned renders to learn from, kept in the cache folder and checked on every read."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from painters.canvas.drawing import LAYOUT_FIELDS, render_many_with_layout
from painters.canvas.scenes import ATTRIBUTES, SIZE, TRAIN_SCENES, Scene
from painters.canvas.words import MAX_WORDS, caption, encode
from painters.core import cache as cachefile
from painters.core import files


@dataclass(frozen=True)
class Dataset:
    """Images, the token ids of a caption for each, the four attribute labels and the layouts."""

    images: np.ndarray  # (N, 32, 32, 3) uint8
    tokens: np.ndarray  # (N, MAX_WORDS) int64
    labels: np.ndarray  # (N, 4) int64, in ATTRIBUTES order
    layouts: np.ndarray  # (N, len(LAYOUT_FIELDS)) float32, NaN where there is no object

    def __len__(self) -> int:
        return len(self.images)


def _key(n: int, seed: int, scenes: Sequence[Scene]) -> str:
    folder = Path(__file__).resolve().parent
    code = files.code_hash(folder / name for name in ("scenes.py", "words.py", "drawing.py", "dataset.py"))
    return hashlib.sha256((code + repr((n, seed, scenes))).encode()).hexdigest()[:16]


def cache_entry(n: int, seed: int, scenes: Sequence[Scene], cache: Path) -> Path:
    """The file in the cache folder that keeps make_dataset(n, seed, scenes)."""
    return cache / f"world-{_key(n, seed, scenes)}.npz"


def entry_bytes(n: int) -> int:
    """About how large the cache file of n captioned renders is (for the free-space check)."""
    return n * (SIZE * SIZE * 3 + MAX_WORDS * 8 + len(ATTRIBUTES) * 8 + len(LAYOUT_FIELDS) * 4) + (1 << 16)


def make_dataset(n: int, seed: int, scenes: Sequence[Scene] = TRAIN_SCENES, cache: Path | None = None) -> Dataset:
    """n captioned renders drawn uniformly from scenes; kept in the cache folder when one is given
    (checked on every read: see painters.cache)."""
    key = _key(n, seed, scenes)

    def make() -> dict[str, np.ndarray]:
        rng = np.random.default_rng(seed)
        chosen = [scenes[int(i)] for i in rng.integers(len(scenes), size=n)]
        images, layouts = render_many_with_layout(chosen, seed + 1)
        tokens = np.array([encode(caption(s, rng)) for s in chosen], dtype=np.int64)
        labels = np.array([s.labels for s in chosen], dtype=np.int64).reshape(n, len(ATTRIBUTES))
        return {"images": images, "tokens": tokens, "labels": labels, "layouts": layouts}

    shapes = {
        "images": ((n, SIZE, SIZE, 3), "uint8"),
        "tokens": ((n, MAX_WORDS), "int64"),
        "labels": ((n, len(ATTRIBUTES)), "int64"),
        "layouts": ((n, len(LAYOUT_FIELDS)), "float32"),
    }
    arrays = make() if cache is None else cachefile.arrays(cache_entry(n, seed, scenes, cache), key, shapes, make)
    return Dataset(arrays["images"], arrays["tokens"], arrays["labels"], arrays["layouts"])
