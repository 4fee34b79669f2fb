"""The judge: a small classifier that reads a 32x32 image, and the metrics built on it.

One judge scores every painter, so the numbers on the site compare like with like. It names
the object, colour, place and time of a scene, and it can also say "not a scene" (noise,
smears, shuffled pixels) or "no object" (an empty beach). Without those two answers, a
classifier must call every blob *something*, and a painter that draws blobs would score.

The metrics are defined once here and used for every family: prompt match, sharpness and
diversity relative to real renders, fidelity and coverage (precision and recall in the
judge's feature space), a Frechet distance in that space, and time per image.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from painters import training, world
from painters.nn import to_pixels, to_tensor

NO_OBJECT = len(world.OBJECTS)  # the object head's extra class: an empty scene
IGNORE = -100  # a label the loss skips (the colour of an object that is not there)
HEADS = {"object": NO_OBJECT + 1, "colour": len(world.COLOURS), "place": len(world.PLACES), "time": len(world.TIMES)}


@dataclass
class Config:
    width: int = 32  # channels after the stem; the body doubles it twice
    features: int = 128  # the feature space the metrics measure in
    steps: int = 1500
    batch: int = 128
    negatives: int = 32  # not-a-scene images added to each batch
    lr: float = 2e-3
    real_images: int = 24000
    empty_images: int = 3000


class Judge(nn.Module):
    """PixelUnshuffle stem (32x32 to 16x16), three conv stages, a feature vector, five heads."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        w = config.width

        def stage(cin: int, cout: int, stride: int) -> list[nn.Module]:
            return [nn.Conv2d(cin, cout, 3, stride, 1), nn.GroupNorm(8, cout), nn.GELU()]

        self.body = nn.Sequential(
            nn.PixelUnshuffle(2),  # (B, 12, 16, 16): cheap early downsampling on a CPU
            *stage(12, w, 1),
            *stage(w, w, 1),
            *stage(w, 2 * w, 2),  # (B, 2w, 8, 8)
            *stage(2 * w, 2 * w, 1),
            *stage(2 * w, 4 * w, 2),  # (B, 4w, 4, 4)
            nn.Flatten(),
            nn.Linear(16 * 4 * w, config.features),
            nn.GELU(),
        )
        self.heads = nn.ModuleDict({name: nn.Linear(config.features, n) for name, n in HEADS.items()})
        self.scene = nn.Linear(config.features, 2)  # 0: not a scene, 1: a scene

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)  # (B, features)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        h = self.features(x)
        logits = {name: head(h) for name, head in self.heads.items()}
        logits["scene"] = self.scene(h)
        return logits


def build(config: Config) -> Judge:
    return Judge(config).to(memory_format=torch.channels_last)  # type: ignore[call-overload]


# --- what the judge learns from --------------------------------------------------------------


NOT_SCENES = ("noise", "blobs", "smeared", "shuffled pixels", "shuffled tiles", "flat colour")


def not_scenes(x: torch.Tensor, generator: torch.Generator, kind: torch.Tensor | None = None) -> torch.Tensor:
    """Images that are not scenes, made from a batch of scenes x: the judge's negative examples.

    Noise, smooth colour blobs, heavy blur, shuffled pixels, shuffled 8x8 tiles, flat colour
    (NOT_SCENES, in that order); `kind` picks one per image, or they are drawn at random.
    """
    b = x.shape[0]
    if kind is None:
        kind = torch.randint(6, (b,), generator=generator)
    out = torch.empty_like(x)
    for k in range(6):
        idx = (kind == k).nonzero().flatten()
        if len(idx) == 0:
            continue
        part = x[idx]
        n = len(idx)
        if k == 0:  # pixel noise
            made = torch.rand(part.shape, generator=generator) * 2 - 1
        elif k == 1:  # smooth blobs with a little grain
            low = torch.rand((n, 3, 4, 4), generator=generator) * 2 - 1
            made = F.interpolate(low, size=32, mode="bicubic", align_corners=False)
            made = made + 0.1 * torch.randn(made.shape, generator=generator)
        elif k == 2:  # a scene smeared beyond recognition
            made = F.interpolate(F.avg_pool2d(part, 8), size=32, mode="bilinear", align_corners=False)
        elif k == 3:  # every pixel of a scene, in random places
            flat = part.flatten(2)
            perm = torch.randperm(32 * 32, generator=generator)
            made = flat[:, :, perm].reshape(part.shape)
        elif k == 4:  # a scene cut into 8x8 tiles and shuffled
            tiles = part.unfold(2, 8, 8).unfold(3, 8, 8).reshape(n, 3, 16, 8, 8)
            tiles = tiles[:, :, torch.randperm(16, generator=generator)]
            made = tiles.reshape(n, 3, 4, 4, 8, 8).permute(0, 1, 2, 4, 3, 5).reshape(part.shape)
        else:  # one flat colour
            made = (torch.rand((n, 3, 1, 1), generator=generator) * 2 - 1).expand_as(part)
        out[idx] = made.clamp(-1, 1)
    return out


def _roughen(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Mild blur and grain on some real scenes, so a soft or grainy sample is still a scene."""
    b = x.shape[0]
    blurred = F.avg_pool2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), 3, 1)
    pick = (torch.rand((b, 1, 1, 1), generator=generator) < 0.25).to(x.dtype)
    x = pick * (0.5 * x + 0.5 * blurred) + (1 - pick) * x
    grain = torch.rand((b, 1, 1, 1), generator=generator) * 0.1
    return (x + grain * torch.randn(x.shape, generator=generator)).clamp(-1, 1)


def training_data(config: Config, seed: int) -> world.Dataset:
    """Real renders of every scene (held-out ones too: the judge must read them) and empty ones."""
    real = world.make_dataset(config.real_images, seed, world.ALL_SCENES, cache=training.CACHE_DIR)
    rng = np.random.default_rng(seed + 7)
    scenes = [world.ALL_SCENES[int(i)] for i in rng.integers(len(world.ALL_SCENES), size=config.empty_images)]
    empty = world.render_many(scenes, seed + 8, with_object=False)
    empty_labels = np.array([s.labels for s in scenes], dtype=np.int64)
    empty_labels[:, 0] = NO_OBJECT
    empty_labels[:, 1] = IGNORE
    return world.Dataset(
        np.concatenate([real.images, empty]),
        np.concatenate([real.tokens, np.zeros((len(empty), world.MAX_WORDS), dtype=np.int64)]),
        np.concatenate([real.labels, empty_labels]),
    )


def train(
    config: Config, *, seed: int, device: torch.device, progress: bool = True
) -> tuple[Judge, dict[str, list[float]]]:
    generator = training.seed_everything(seed)
    data = training_data(config, seed)
    model = build(config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, config.lr, total_steps=config.steps)

    def step(i: int, batch: training.Batch) -> dict[str, float]:
        real = _roughen(batch.images.cpu(), generator).to(device)
        fake = not_scenes(batch.images[: config.negatives].cpu(), generator).to(device)
        x = torch.cat([real, fake]).contiguous(memory_format=torch.channels_last)
        logits = model(x)
        n = len(real)
        is_scene = torch.cat([torch.ones(n), torch.zeros(len(fake))]).long().to(device)
        loss = F.cross_entropy(logits["scene"], is_scene)
        for j, name in enumerate(HEADS):
            loss = loss + F.cross_entropy(logits[name][:n], batch.labels[:, j], ignore_index=IGNORE)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        return {"loss": loss.item()}

    history = training.fit(
        step, data, steps=config.steps, batch_size=config.batch, generator=generator,
        device=device, desc="judge", progress=progress,
    )  # fmt: skip
    return model, history


def evaluate(model: Judge) -> dict[str, object]:
    """Accuracy on fresh renders of every scene, and verdicts on images that are not scenes."""
    scenes = list(world.ALL_SCENES) * 8
    images = world.render_many(scenes, seed=10_001)
    readings = read(images, model)
    accuracy = {
        name: float(np.mean([r == getattr(s, name) for r, s in zip(readings.names[name], scenes, strict=True)]))
        for name in world.ATTRIBUTES
    }
    accuracy["scene"] = float(np.mean(readings.scene_probability > 0.5))
    return {"accuracy": accuracy, "controls": controls(model)}


# --- reading images --------------------------------------------------------------------------


@dataclass
class Readings:
    """What the judge sees in a batch of images."""

    names: dict[str, list[str]]  # per attribute, the predicted value ("none" for no object)
    confidence: dict[str, np.ndarray]  # per attribute, the probability of that prediction
    scene_probability: np.ndarray  # (N,) probability the image is a scene at all
    features: np.ndarray  # (N, features) the judge's feature vectors

    def describe(self, i: int) -> str:
        """One image's reading in words, e.g. 'red bicycle, beach, sunset (scene 99%)'."""
        if self.scene_probability[i] < 0.5:
            return f"not a scene ({1 - self.scene_probability[i]:.0%})"
        n = self.names
        thing = "no object" if n["object"][i] == "none" else f"{n['colour'][i]} {n['object'][i]}"
        return f"{thing}, {n['place'][i]}, {n['time'][i]}"


@functools.cache
def load_judge() -> Judge:
    """The committed judge, checked for corruption and staleness."""
    model, _ = training.load_model("judge")
    assert isinstance(model, Judge)
    return model


@torch.no_grad()
def read(images: np.ndarray, model: Judge | None = None, batch: int = 256) -> Readings:
    """Run the judge over (N, 32, 32, 3) uint8 images."""
    model = model or load_judge()
    model.eval()
    logits: dict[str, list[torch.Tensor]] = {}
    feats = []
    for start in range(0, len(images), batch):
        x = to_tensor(images[start : start + batch]).contiguous(memory_format=torch.channels_last)
        h = model.features(x)
        feats.append(h)
        for name, head in model.heads.items():
            logits.setdefault(name, []).append(head(h))
        logits.setdefault("scene", []).append(model.scene(h))
    names: dict[str, list[str]] = {}
    confidence: dict[str, np.ndarray] = {}
    for name, values in world.ATTRIBUTES.items():
        probs = torch.cat(logits[name]).softmax(-1)
        conf, idx = probs.max(-1)
        labels = (*values, "none") if name == "object" else values
        names[name] = [labels[int(i)] for i in idx]
        confidence[name] = conf.numpy()
    scene = torch.cat(logits["scene"]).softmax(-1)[:, 1].numpy()
    return Readings(names, confidence, scene, torch.cat(feats).numpy())


def controls(model: Judge | None = None, n: int = 64, seed: int = 5) -> dict[str, dict[str, float]]:
    """How often the judge calls each kind of non-scene a scene, or names an object in it."""
    generator = torch.Generator().manual_seed(seed)
    scenes = list(itertools.islice(itertools.cycle(world.ALL_SCENES), n))
    base = to_tensor(world.render_many(scenes, seed))
    out: dict[str, dict[str, float]] = {}
    for k, label in enumerate(NOT_SCENES):
        made = not_scenes(base, generator, kind=torch.full((n,), k))
        out[label] = _verdict(read(to_pixels(made), model))
    out["empty scene"] = _verdict(read(world.render_many(scenes, seed + 1, with_object=False), model))
    out["real scene"] = _verdict(read(world.render_many(scenes, seed + 2), model))
    return out


def _verdict(r: Readings) -> dict[str, float]:
    scene = r.scene_probability > 0.5
    named = np.array([o != "none" for o in r.names["object"]]) & scene
    return {"called a scene": float(scene.mean()), "object named": float(named.mean())}


# --- metrics ---------------------------------------------------------------------------------


def prompt_match(images: np.ndarray, scene: world.Scene, model: Judge | None = None) -> dict[str, float]:
    """Share of images whose object, colour, place and time the judge reads as the prompt's.

    'all four' needs every attribute right and the image to be a scene at all.
    """
    r = read(images, model)
    hits = {name: np.array([v == getattr(scene, name) for v in r.names[name]]) for name in world.ATTRIBUTES}
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
    sq = (v * v).sum(1)
    d2 = np.clip(sq[:, None] + sq[None, :] - 2 * v @ v.T, 0, None)
    upper = np.triu_indices(len(v), 1)
    return float(np.sqrt(d2[upper]).mean())


def pixel_diversity(images: np.ndarray) -> float:
    """Mean pairwise RMS pixel distance, in [0, 1] units."""
    return mean_pairwise_distance(images.astype(np.float64) / 255.0) / np.sqrt(images[0].size)


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = 3) -> tuple[float, float]:
    """Fidelity and coverage (Kynkaanniemi et al., 2019) with k-nearest-neighbour balls.

    Precision: share of fakes inside some real's ball. Recall: share of reals inside some
    fake's ball. A mode-collapsed painter has high precision and low recall.
    """

    def radii(x: np.ndarray) -> np.ndarray:
        d = _distances(x, x)
        return np.sort(d, axis=1)[:, k]  # column 0 is the point itself

    def inside(points: np.ndarray, centres: np.ndarray) -> float:
        return float((_distances(points, centres) <= radii(centres)[None, :]).any(axis=1).mean())

    return inside(fake, real), inside(real, fake)


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a.astype(np.float64), b.astype(np.float64)
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
    return np.sqrt(np.clip(d2, 0, None))


def frechet_distance(real: np.ndarray, fake: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to two sets of feature vectors (as in FID)."""
    mu1, mu2 = real.mean(0), fake.mean(0)
    s1, s2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    vals, vecs = np.linalg.eigh(s1)
    root1 = (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T
    middle = np.linalg.eigvalsh(root1 @ s2 @ root1)
    cross = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * cross)


def seconds_per_image(paint: Callable[[int], object], batch: int, repeats: int = 3) -> float:
    """Best-of-repeats wall time of paint(batch), divided by the batch size."""
    paint(batch)  # warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        paint(batch)
        best = min(best, time.perf_counter() - start)
    return best / batch


# --- one measurement for every painter -------------------------------------------------------

# Eight trained prompts that cover every object, colour, place and time; the shared one first.
EVAL_SCENES: tuple[world.Scene, ...] = (
    world.parse_prompt(world.SHARED_PROMPT),
    world.Scene("ball", "blue", "meadow", "noon"),
    world.Scene("boat", "yellow", "beach", "night"),
    world.Scene("tree", "green", "snow", "sunset"),
    world.Scene("bicycle", "green", "snow", "noon"),
    world.Scene("ball", "yellow", "beach", "night"),
    world.Scene("boat", "red", "meadow", "sunset"),
    world.Scene("tree", "blue", "meadow", "night"),
)
assert not set(EVAL_SCENES) & set(world.HELD_OUT)

Painting = Callable[[str, int, int], np.ndarray]  # (prompt, n, seed) -> (n, 32, 32, 3) uint8


@dataclass
class Measurement:
    """A painter's samples against real renders of the same prompts."""

    prompt_match: dict[str, float]  # per attribute and "all four"
    sharpness_ratio: float  # painter / real; 1 is as crisp as the world itself
    pixel_diversity_ratio: float  # painter / real, mean pairwise pixel distance per prompt
    feature_diversity_ratio: float  # the same in the judge's feature space
    precision: float  # fidelity: share of samples that land among real renders
    recall: float  # coverage: share of real renders that some sample lands near
    frechet: float  # Frechet distance in the judge's feature space

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def measure(paint: Painting, scenes: Sequence[world.Scene], n: int = 64, seed: int = 0) -> Measurement:
    """Sample n images per scene, render n real ones, and compare them on every metric."""
    fakes = [paint(scene.prompt, n, seed) for scene in scenes]
    reals = [world.render_many([scene] * n, seed=30_000 + i) for i, scene in enumerate(scenes)]
    return compare(fakes, reals, scenes)


def compare(fakes: Sequence[np.ndarray], reals: Sequence[np.ndarray], scenes: Sequence[world.Scene]) -> Measurement:
    """The metrics of per-scene image sets `fakes` against `reals` (both lists of (n, 32, 32, 3))."""
    matches = [prompt_match(f, s) for f, s in zip(fakes, scenes, strict=True)]
    keys = matches[0].keys()
    fake_feats = [read(f).features for f in fakes]
    real_feats = [read(r).features for r in reals]
    ratio = np.mean
    precision, recall = precision_recall(np.concatenate(real_feats), np.concatenate(fake_feats))
    return Measurement(
        prompt_match={k: float(np.mean([m[k] for m in matches])) for k in keys},
        sharpness_ratio=float(ratio([sharpness(f) / sharpness(r) for f, r in zip(fakes, reals, strict=True)])),
        pixel_diversity_ratio=float(
            ratio([pixel_diversity(f) / pixel_diversity(r) for f, r in zip(fakes, reals, strict=True)])
        ),
        feature_diversity_ratio=float(
            ratio(
                [
                    mean_pairwise_distance(f) / mean_pairwise_distance(r)
                    for f, r in zip(fake_feats, real_feats, strict=True)
                ]
            )
        ),
        precision=precision,
        recall=recall,
        frechet=frechet_distance(np.concatenate(real_feats), np.concatenate(fake_feats)),
    )


def evaluate_painter(paint: Painting, n: int = 64, seed: int = 0) -> dict[str, object]:
    """What a manifest records at save time: the trained prompts and the held-out ones apart,
    and seconds per image at batch 1 and batch 64."""
    return {
        "trained": measure(paint, EVAL_SCENES, n, seed).as_dict(),
        "held_out": measure(paint, world.HELD_OUT, n, seed).as_dict(),
        "seconds_per_image": {
            "batch 1": seconds_per_image(lambda b: paint(world.SHARED_PROMPT, b, seed), 1),
            "batch 64": seconds_per_image(lambda b: paint(world.SHARED_PROMPT, b, seed), 64, repeats=1),
        },
    }
