"""The judge: a small network that reads a 32x32 picture the way a person would.

One judge scores every painter, so the numbers on the site compare like with like. It names
the object, colour, place and time of a scene, and it can also say "not a scene" (noise,
smears, shuffled pixels) or "no object" (an empty beach). Without those two answers, a
classifier must call every blob *something*, and a painter that draws blobs would score.

It also reads a picture's *layout*: where the horizon is, where the object stands and how big
it is, which way it faces, where the sun or moon sits (canvas.LAYOUT_FIELDS). The world's
renderer knows these for every real render, so the judge learns them like the labels. With
them the site can see what a person sees at a glance and a feature distance may not: that a
painter puts every object in the same place at the same size.

This file is the network and how it learns; reading pictures with the trained judge is
painters.measure.judge, and the metrics built on its readings are painters.measure.metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from painters import canvas
from painters.core import paths
from painters.families import fit
from painters.families.shared import probe_inputs

NO_OBJECT = len(canvas.OBJECTS)  # the object head's extra class: an empty scene
IGNORE = -100  # a label the loss skips (the colour of an object that is not there)
HEADS = {"object": NO_OBJECT + 1, "colour": len(canvas.COLOURS), "place": len(canvas.PLACES), "time": len(canvas.TIMES)}


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

    @classmethod
    def tiny(cls) -> Config:
        """A few-second configuration for tests."""
        return cls(width=8, features=16, steps=20, batch=16, negatives=4, real_images=64, empty_images=16)


class Judge(nn.Module):
    """PixelUnshuffle stem (32x32 to 16x16), three conv stages, a feature vector, five heads."""

    layout_mean: torch.Tensor
    layout_std: torch.Tensor

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

        self.layout = nn.Linear(config.features, len(canvas.LAYOUT_FIELDS))  # standardised layout
        # The layout's mean and spread over the training renders: the layout head predicts
        # (layout - mean) / std, so every field counts alike in a layout distance.
        self.register_buffer("layout_mean", torch.zeros(len(canvas.LAYOUT_FIELDS)))
        self.register_buffer("layout_std", torch.ones(len(canvas.LAYOUT_FIELDS)))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)  # (B, features)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        h = self.features(x)
        logits = {name: head(h) for name, head in self.heads.items()}
        logits["scene"] = self.scene(h)
        logits["layout"] = self.layout(h)
        return logits


def build(config: Config) -> Judge:
    return Judge(config).to(memory_format=torch.channels_last)  # type: ignore[call-overload]


@torch.no_grad()
def probe(model: Judge) -> dict[str, torch.Tensor]:
    """What the network computes on fixed inputs (the checkpoint's behaviour fingerprint): every
    head's output, the layout in the world's units included."""
    model.eval()
    logits = model(probe_inputs()["images"])
    logits["layout_units"] = logits["layout"] * model.layout_std + model.layout_mean
    return logits


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


def training_data(config: Config, seed: int) -> canvas.Dataset:
    """Real renders of every scene (held-out ones too: the judge must read them) and empty ones."""
    real = canvas.make_dataset(config.real_images, seed, canvas.ALL_SCENES, cache=paths.CACHE_DIR)
    rng = np.random.default_rng(seed + 7)
    scenes = [canvas.ALL_SCENES[int(i)] for i in rng.integers(len(canvas.ALL_SCENES), size=config.empty_images)]
    empty, empty_layouts = canvas.render_many_with_layout(scenes, seed + 8, with_object=False)
    empty_labels = np.array([s.labels for s in scenes], dtype=np.int64)
    empty_labels[:, 0] = NO_OBJECT
    empty_labels[:, 1] = IGNORE
    return canvas.Dataset(
        np.concatenate([real.images, empty]),
        np.concatenate([real.tokens, np.zeros((len(empty), canvas.MAX_WORDS), dtype=np.int64)]),
        np.concatenate([real.labels, empty_labels]),
        np.concatenate([real.layouts, empty_layouts]),
    )


# --8<-- [start:loss]
def judge_loss(model: Judge, real: torch.Tensor, fake: torch.Tensor, batch: fit.Batch) -> torch.Tensor:
    """Scene or not (real renders against made-up non-scenes), the four attributes of each real
    render, and its standardised layout (mean squared error, skipping an empty scene's object)."""
    logits = model(torch.cat([real, fake]).contiguous(memory_format=torch.channels_last))
    n = len(real)
    is_scene = torch.cat([torch.ones(n), torch.zeros(len(fake))]).long().to(real.device)
    loss = F.cross_entropy(logits["scene"], is_scene)
    for j, name in enumerate(HEADS):
        labels = batch.labels[:, j]
        if (labels != IGNORE).any():  # (a batch of empty scenes only has no colour to learn)
            loss = loss + F.cross_entropy(logits[name][:n], labels, ignore_index=IGNORE)
    target = (batch.layouts - model.layout_mean) / model.layout_std
    known = ~target.isnan()
    return loss + F.mse_loss(logits["layout"][:n][known], target[known])


# --8<-- [end:loss]


def train(
    config: Config, *, seed: int, device: torch.device, progress: bool = True, data: canvas.Dataset | None = None
) -> tuple[Judge, dict[str, list[float]]]:
    """Learn the labels and layouts of real renders, and to tell scenes from non-scenes."""
    generator = fit.seed_everything(seed)
    data = data or training_data(config, seed)
    model = build(config).to(device)
    with torch.no_grad():
        layouts = torch.from_numpy(data.layouts)
        model.layout_mean.copy_(layouts.nanmean(0))
        model.layout_std.copy_((layouts - layouts.nanmean(0)).pow(2).nanmean(0).sqrt().clamp(min=1e-3))
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, config.lr, total_steps=config.steps)

    def step(i: int, batch: fit.Batch) -> dict[str, float]:
        real = _roughen(batch.images.cpu(), generator).to(device)
        fake = not_scenes(batch.images[: config.negatives].cpu(), generator).to(device)
        loss = judge_loss(model, real, fake, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        return {"loss": loss.item()}

    history = fit.fit(
        step, fit.Pictures(data, device), steps=config.steps, batch_size=config.batch, generator=generator,
        desc="judge", progress=progress, model=model,
    )  # fmt: skip
    return model, history
