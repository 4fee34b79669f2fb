"""The pages' gallery: committed painters, their pictures cached, measured and timed once a build.

Pages never train. They load the committed checkpoints (registry.load_model, checked for
staleness and corruption), ask for pictures through `paint` (kept in .cache/samples under a key
made of everything that decides them, and checked on every read: see cache.py), measure each
painter once per build with the protocol of metrics.py, and time things with
timing.py, the one way every time on the site is taken. The measurements themselves are kept
in .cache/measurements under the same discipline, so a warm build reads four small files
instead of judging every picture again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from painters import canvas
from painters.checkpoints import loading, store
from painters.core import cache, files, paths
from painters.families import registry
from painters.measure import judge, metrics


def paint(family: str, prompt: str | Sequence[str], n: int, seed: int = 0, **options: Any) -> np.ndarray:
    """n pictures from a committed painter, (n, 32, 32, 3) uint8: one prompt for all, or one each.

    The same as `family.sample_images(model, prompt, n, seed, **options)` on the committed
    checkpoint (`family` may also name another checkpoint of a family, such as vae-beta4), kept
    in .cache/samples so that a warm build does not paint them again.
    """
    painter = registry.painter(registry.family_of(family))  # an unknown family is refused before any work
    canvas.check_count(n)
    prompts = [prompt] * n if isinstance(prompt, str) else list(prompt)
    for p in set(prompts):
        canvas.parse_prompt(p)  # a bad prompt is refused before anything is painted or kept
    model, manifest = loading.load_model(family)
    code = loading.sampler_code(registry.family_of(family))
    request = json.dumps([manifest.weights_sha256, code, prompt, n, seed, options], sort_keys=True)
    key = hashlib.sha256(request.encode()).hexdigest()[:24]
    path = paths.CACHE_DIR / "samples" / f"{family}-{key}.npz"
    shapes = {"images": ((n, canvas.SIZE, canvas.SIZE, 3), "uint8")}

    def make() -> dict[str, np.ndarray]:
        return {"images": painter.sample_images(model, prompt, n, seed=seed, **options)}

    return cache.arrays(path, request, shapes, make)["images"]


@functools.lru_cache(maxsize=8)
def _reference(scenes: tuple[canvas.Scene, ...], n: int, seed: int) -> np.ndarray:
    return metrics.reference(scenes, n, seed)


def reference(scenes: Sequence[canvas.Scene], n: int, seed: int = metrics.REFERENCE_SEED) -> np.ndarray:
    """metrics.reference, drawn once per build and shared by every page (each caller gets a copy,
    so no page can change another's)."""
    return _reference(tuple(scenes), n, seed).copy()


@dataclass(frozen=True)
class FamilyReport:
    """One painter measured for the pages with the protocol of metrics.py."""

    family: str
    trained: metrics.Measurement
    held_out: metrics.Measurement
    passes: int  # network passes in a row per picture (registry.network_passes)


Measured = dict[str, metrics.Measurement]  # metrics.groups() -> a Measurement

#: The code a measurement's numbers depend on besides the painter: the protocol, the metrics,
#: the judge's reading and the world the real renders come from.
_PROTOCOL_CODE = ("measure/metrics.py", "measure/judge.py", "canvas/drawing.py", "canvas/scenes.py", "canvas/words.py")


def _kept_measurement(what: list[str], make: Callable[[], Measured], groups: Sequence[str] = ()) -> Measured:
    """A measurement kept in .cache/measurements under a key made of everything that decides it:
    `what` (the painter's weights and code), the weights of the judge that reads the pictures,
    the code of the protocol and its metrics, and the protocol's scenes and picture counts.
    Read back through cache.arrays, so a file that lies is discarded and measured again.
    `groups` names what `make` returns (metrics.groups() by default)."""
    code = files.code_hash(paths.PACKAGE_DIR / name for name in _PROTOCOL_CODE)
    request = json.dumps([*what, _weights_digest(judge.load_judge()), code, repr(metrics.groups())])
    key = hashlib.sha256(request.encode()).hexdigest()[:24]
    shapes = dict.fromkeys(groups or metrics.groups(), ((metrics.ARRAY_SIZE,), "float64"))

    def arrays() -> dict[str, np.ndarray]:
        return {group: m.as_array() for group, m in make().items()}

    path = paths.CACHE_DIR / "measurements" / f"{what[0]}-{key}.npz"
    # Not locked: a second process measuring the same painter then paints the chunks the first
    # is not painting (their own locks share them out) instead of waiting for the whole measurement.
    kept = cache.arrays(path, request, shapes, arrays, lock=False)
    return {group: metrics.Measurement.from_array(values) for group, values in kept.items()}


def compare(fakes: np.ndarray, reals: np.ndarray, scenes: Sequence[canvas.Scene]) -> metrics.Measurement:
    """metrics.compare, kept in .cache/measurements: the key is the pictures' and the renders'
    bytes, the scenes, the judge's weights and the protocol's code, so a warm build reads the
    judge's verdict on pictures it has judged before instead of judging them again."""
    pictures = [hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest() + repr(a.shape) for a in (fakes, reals)]
    kept = _kept_measurement(
        ["compare", *pictures, repr(tuple(scenes))],
        lambda: {"measured": metrics.compare(fakes, reals, scenes)},
        groups=("measured",),
    )
    return kept["measured"]


def _painting(name: str, options: dict[str, Any] | None = None) -> metrics.Painting:
    def painting(prompts: list[str], seed: int) -> np.ndarray:
        return paint(name, prompts, len(prompts), seed, **(options or {}))

    return painting


def protocol_pictures(name: str, group: str) -> np.ndarray:
    """The very pictures a painter's measurement judges for one of metrics.groups() ("trained" or
    "held_out"), scene after scene: read back from the cache when the measurement painted them."""
    scenes, n = metrics.groups()[group]
    return metrics.paint_all(_painting(name), metrics.captions(scenes, n))


def _weights_digest(model: torch.nn.Module) -> str:
    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().contiguous().numpy().tobytes())
    return digest.hexdigest()


@functools.cache
def _measure(name: str, options: str) -> FamilyReport:
    painting = _painting(name, json.loads(options))
    _, manifest = loading.load_model(name)
    what = [name, manifest.weights_sha256, loading.sampler_code(registry.family_of(name))]
    if options != "{}":
        what.append(options)
    label = f"painting {registry.get(registry.family_of(name)).label} ({name}) for its measurement"
    m = _kept_measurement(what, lambda: metrics.measure(painting, reals=reference, label=label))
    return FamilyReport(name, m["trained"], m["held_out"], loading.network_passes(name))


def measure_family(name: str, **options: Any) -> FamilyReport:
    """A committed painter on the protocol (metrics.py), measured once per build (pages share it);
    with sampler options (e.g. guidance=1.0), the same painter sampled otherwise."""
    store.note_use(name)
    return _measure(name, json.dumps(options, sort_keys=True))


@functools.cache
def _real_vs_real() -> dict[str, metrics.Measurement]:
    return _kept_measurement(["real-vs-real"], metrics.real_vs_real)


def real_vs_real() -> dict[str, metrics.Measurement]:
    """metrics.real_vs_real, once per build."""
    return _real_vs_real()
