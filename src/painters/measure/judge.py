"""The judge at work: reading pictures (what it sees, how sure it is, where things stand).

One judge scores every painter, so the numbers on the site compare like with like. The
network and its training are painters.families.judge; here the committed judge is loaded and
read: `read(images)` gives each picture's object, colour, place, time, whether it is a scene
at all, its feature vector (what the distances of metrics.py are measured in) and its layout.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import torch

from painters import canvas
from painters.checkpoints import loading
from painters.families.judge import HEADS, NOT_SCENES, Judge, not_scenes
from painters.families.shared import to_pixels, to_tensor

__all__ = ["HEADS", "Readings", "controls", "evaluate", "load_judge", "match_probability", "probabilities", "read"]


def evaluate(model: Judge) -> dict[str, object]:
    """Accuracy on fresh renders of every scene, and verdicts on images that are not scenes."""
    scenes = list(canvas.ALL_SCENES) * 8
    images = canvas.render_many(scenes, seed=10_001)
    readings = read(images, model)
    accuracy = {
        name: float(np.mean([r == getattr(s, name) for r, s in zip(readings.names[name], scenes, strict=True)]))
        for name in canvas.ATTRIBUTES
    }
    accuracy["scene"] = float(np.mean(readings.scene_probability > 0.5))
    _, layouts = canvas.render_many_with_layout(scenes, seed=10_001)
    error = np.abs(readings.layout - layouts)  # pixels (size: a factor; facing: -1 or 1)
    layout_error = {field: round(float(np.nanmean(error[:, k])), 3) for k, field in enumerate(canvas.LAYOUT_FIELDS)}
    return {"accuracy": accuracy, "layout_error": layout_error, "controls": controls(model)}


# --- reading images --------------------------------------------------------------------------


@dataclass
class Readings:
    """What the judge sees in a batch of images."""

    names: dict[str, list[str]]  # per attribute, the predicted value ("none" for no object)
    confidence: dict[str, np.ndarray]  # per attribute, the probability of that prediction
    scene_probability: np.ndarray  # (N,) probability the image is a scene at all
    features: np.ndarray  # (N, features) the judge's feature vectors
    layout_scores: np.ndarray  # (N, len(canvas.LAYOUT_FIELDS)) the layout, standardised
    layout: np.ndarray  # the same in the world's units (pixels; size a factor; facing -1 or 1)

    def describe(self, i: int) -> str:
        """One image's reading in words, e.g. 'red bicycle, beach, sunset (scene 99%)'."""
        if self.scene_probability[i] < 0.5:
            return f"not a scene ({1 - self.scene_probability[i]:.0%})"
        n = self.names
        thing = "no object" if n["object"][i] == "none" else f"{n['colour'][i]} {n['object'][i]}"
        return f"{thing}, {n['place'][i]}, {n['time'][i]}"


def load_judge() -> Judge:
    """The committed judge, checked for corruption and staleness."""
    model, _ = loading.load_model("judge")
    if not isinstance(model, Judge):
        raise TypeError("the judge checkpoint did not load as a Judge")
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
        logits.setdefault("layout", []).append(model.layout(h))
    names: dict[str, list[str]] = {}
    confidence: dict[str, np.ndarray] = {}
    for name, values in canvas.ATTRIBUTES.items():
        probs = torch.cat(logits[name]).softmax(-1)
        conf, idx = probs.max(-1)
        labels = (*values, "none") if name == "object" else values
        names[name] = [labels[int(i)] for i in idx]
        confidence[name] = conf.numpy()
    scene = torch.cat(logits["scene"]).softmax(-1)[:, 1].numpy()
    scores = torch.cat(logits["layout"])
    layout = scores * model.layout_std + model.layout_mean
    return Readings(names, confidence, scene, torch.cat(feats).numpy(), scores.numpy(), layout.numpy())


@torch.no_grad()
def probabilities(images: np.ndarray, model: Judge | None = None) -> dict[str, np.ndarray]:
    """Per attribute (N, values) the probability of each value (the object's last: no object),
    and "scene" (N,): the probability that a picture is a scene at all. What the page's judge
    (the exported graph, docs/assets/painter/samplers.js judgeRead) reads."""
    model = model or load_judge()
    model.eval()
    logits = model(to_tensor(images).contiguous(memory_format=torch.channels_last))
    out = {name: logits[name].softmax(-1).numpy() for name in canvas.ATTRIBUTES}
    return {**out, "scene": logits["scene"].softmax(-1)[:, 1].numpy()}


def match_probability(images: np.ndarray, scene: canvas.Scene, model: Judge | None = None) -> np.ndarray:
    """(N,) how sure the judge is that a picture is a scene with all four of this scene's
    attributes: p(a scene) times p(its object) p(its colour) p(its place) p(its time), the heads
    taken as independent."""
    p = probabilities(images, model)
    out = p["scene"].astype(np.float64)
    for name, values in canvas.ATTRIBUTES.items():
        out = out * p[name][:, values.index(getattr(scene, name))]
    return out


def controls(model: Judge | None = None, n: int = 64, seed: int = 5) -> dict[str, dict[str, float]]:
    """How often the judge calls each kind of non-scene a scene, or names an object in it."""
    generator = torch.Generator().manual_seed(seed)
    scenes = list(itertools.islice(itertools.cycle(canvas.ALL_SCENES), n))
    base = to_tensor(canvas.render_many(scenes, seed))
    out: dict[str, dict[str, float]] = {}
    for k, label in enumerate(NOT_SCENES):
        made = not_scenes(base, generator, kind=torch.full((n,), k))
        out[label] = _verdict(read(to_pixels(made), model))
    out["empty scene"] = _verdict(read(canvas.render_many(scenes, seed + 1, with_object=False), model))
    out["real scene"] = _verdict(read(canvas.render_many(scenes, seed + 2), model))
    return out


def _verdict(r: Readings) -> dict[str, float]:
    scene = r.scene_probability > 0.5
    named = np.array([o != "none" for o in r.names["object"]]) & scene
    return {"called a scene": float(scene.mean()), "object named": float(named.mean())}
