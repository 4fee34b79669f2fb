"""A text-conditional GAN: a generator and a discriminator trained against each other.

Goodfellow et al., 2014 (https://arxiv.org/abs/1406.2661), in the DCGAN shape of Radford et
al., 2015, with the stabilisers that made conditional GANs work in practice: a projection
discriminator (Miyato & Koyama, 2018) with spectral normalisation (Miyato et al., 2018), the
hinge loss, a mismatched-caption term (Reed et al., 2016), two remedies for mode collapse
(minibatch standard deviation, Karras et al., 2018; the mode-seeking term, Mao et al., 2019)
and an exponential moving average of the generator's weights for sampling.
Chapter: docs/gan.md.

The generator turns noise z and a prompt into a 32x32 picture in one forward pass; the
discriminator reads a picture and a prompt and scores how real the pair looks. (Mode
collapse on a 2-D toy that trains in seconds is in ring.py.)

Why these pieces (the GAN chapter shows what each recipe measured, dated, from
benchmarks/gan_recipes.json): without a mode-seeking term the generator learns to ignore z, and
every picture of a prompt comes out the same; weighted too high, the term outbids the critic
and some noises paint blank frames. Nearest upsampling followed by a conv cannot make the
checkerboard that transposed convs or PixelShuffle leave. A narrow conv at full resolution
draws what is thinner than a 16x16 cell. The lazy R1 penalty keeps the critic's slopes gentle
around real pictures.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from painters import canvas
from painters.families import fit
from painters.families.shared import TextEncoder, probe_inputs, prompt_tokens, to_pixels, to_tensor


@dataclass
class Config:
    z_dim: int = 64  # noise numbers per image: position, size, facing, horizon, sun...
    text_dim: int = 64  # width of the prompt vector (each network has its own text encoder)
    g_width: int = 32  # generator channels at 16x16; doubled at 8x8, again at 4x4
    g_full: int = 16  # generator channels at 32x32, where the thin lines (spokes, frames) are drawn
    d_width: int = 32  # discriminator channels at 16x16; doubled at 8x8 and again at 4x4
    steps: int = 27465  # the budget: training/budget.py counts it (scripts/budget.py)
    batch: int = 16  # at a fixed budget, more smaller steps beat fewer larger ones (gan_recipes.json)
    lr: float = 4e-4  # generator; the discriminator learns twice as fast (TTUR, Heusel 2017)
    d_lr_ratio: float = 2.0
    betas: tuple[float, float] = (0.0, 0.9)  # no momentum: the target moves every step
    mismatch: float = 0.5  # weight of "real image, wrong caption" as a fake for D
    diversity: float = 0.1  # weight of the mode-seeking term (two z, one prompt, two pictures)
    seek_pool: int = 1  # the term compares the pair's pictures pooled this much (1: pixel by pixel)
    r1: float = 1.0  # weight gamma of the R1 penalty on D's slope at real pictures ...
    r1_every: int = 4  # ... applied every this many steps, scaled up to match (lazy regularisation)
    ema: float = 0.999  # decay of the sampling copy of the generator

    @classmethod
    def tiny(cls) -> Config:
        """A few-second configuration for tests."""
        return cls(z_dim=8, text_dim=16, g_width=8, g_full=8, d_width=8, steps=30, batch=16, ema=0.9)


# --- networks --------------------------------------------------------------------------------


class ConditionalNorm(nn.Module):
    """BatchNorm whose scale and shift come from the prompt (and noise) vector."""

    def __init__(self, channels: int, cond_dim: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.scale_shift = nn.Linear(cond_dim, 2 * channels)
        nn.init.zeros_(self.scale_shift.weight)
        nn.init.zeros_(self.scale_shift.bias)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        gamma, beta = self.scale_shift(cond)[:, :, None, None].chunk(2, dim=1)
        return self.norm(x) * (1 + gamma) + beta


class Generator(nn.Module):
    """(z, tokens) -> image: 4x4 -> 8x8 -> 16x16 -> 32x32, nearest upsampling then a conv.

    Nearest upsampling before a conv cannot make the checkerboard texture that transposed
    convs, or PixelShuffle from a random init, leave (Odena et al., 2016). A narrow conv at
    32x32 draws what is thinner than a 16x16 cell: spokes, frames, masts.
    """

    def __init__(self, c: Config) -> None:
        super().__init__()
        w = c.g_width
        cond = c.z_dim + c.text_dim
        self.z_dim = c.z_dim
        self.width = w
        self.text = TextEncoder(c.text_dim)
        self.stem = nn.Linear(cond, 4 * w * 4 * 4)
        self.norms = nn.ModuleList([ConditionalNorm(ch, cond) for ch in (4 * w, 2 * w, w, c.g_full)])
        self.convs = nn.ModuleList(
            [
                nn.Conv2d(4 * w, 2 * w, 3, padding=1),
                nn.Conv2d(2 * w, w, 3, padding=1),
                nn.Conv2d(w, c.g_full, 3, padding=1),
            ]
        )
        self.to_rgb = nn.Conv2d(c.g_full, 3, 3, padding=1)

    def forward(self, z: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        cond = torch.cat([z, self.text(tokens)], dim=1)  # (B, z_dim + text_dim)
        h = self.stem(cond).view(-1, 4 * self.width, 4, 4).contiguous(memory_format=torch.channels_last)
        for norm, conv in zip(self.norms[:3], self.convs, strict=True):  # 8x8, 16x16, then 32x32
            h = conv(F.interpolate(F.relu(norm(h, cond)), scale_factor=2.0, mode="nearest"))
        return torch.tanh(self.to_rgb(F.relu(self.norms[3](h, cond))))  # (B, 3, 32, 32)


class Discriminator(nn.Module):
    """(image, tokens) -> score: a PixelUnshuffle stem, strided convs, a projection on the text.

    score = psi(h) + <phi(text), h>: the first term asks "is this a scene?", the second
    "does it match this prompt?" (the projection discriminator).
    """

    def __init__(self, c: Config) -> None:
        super().__init__()
        w = c.d_width
        self.body = nn.Sequential(
            nn.PixelUnshuffle(2),  # (B, 12, 16, 16)
            spectral_norm(nn.Conv2d(12, w, 3, padding=1)),
            nn.LeakyReLU(0.2),
            spectral_norm(nn.Conv2d(w, 2 * w, 4, stride=2, padding=1)),  # (B, 2w, 8, 8)
            nn.LeakyReLU(0.2),
            spectral_norm(nn.Conv2d(2 * w, 4 * w, 4, stride=2, padding=1)),  # (B, 4w, 4, 4)
            nn.LeakyReLU(0.2),
        )
        self.last = spectral_norm(nn.Conv2d(4 * w + 1, 4 * w, 3, padding=1))  # +1: minibatch std
        self.psi = spectral_norm(nn.Linear(4 * w, 1))
        self.text = TextEncoder(c.text_dim)
        self.phi = spectral_norm(nn.Linear(c.text_dim, 4 * w))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x)
        # Minibatch std: one extra channel saying how different the images in this batch
        # are; a collapsed batch of look-alikes is then easy to call fake.
        groups = next(g for g in (4, 2, 1) if h.shape[0] % g == 0)
        std = h.view(groups, -1, *h.shape[1:]).std(dim=0, unbiased=False).mean(dim=(1, 2, 3))
        std = std[:, None, None, None].repeat(groups, 1, 4, 4)
        h = F.leaky_relu(self.last(torch.cat([h, std], dim=1)), 0.2)
        return h.sum(dim=(2, 3))  # (B, 4w)

    def score(self, h: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        return (self.psi(h) + (self.phi(text) * h).sum(1, keepdim=True)).squeeze(1)  # (B,)

    def forward(self, x: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        return self.score(self.features(x), self.text(tokens))


class GAN(nn.Module):
    """Everything that is saved: generator, discriminator, and the averaged generator."""

    def __init__(self, c: Config) -> None:
        super().__init__()
        self.config = c
        self.generator = Generator(c)
        self.discriminator = Discriminator(c)
        self.generator_ema = copy.deepcopy(self.generator).requires_grad_(False)


def build(config: Config) -> GAN:
    return GAN(config).to(memory_format=torch.channels_last)  # type: ignore[call-overload]


# --- loss: the contest ------------------------------------------------------------------------


# --8<-- [start:loss]
def discriminator_loss(
    d_real: torch.Tensor, d_fake: torch.Tensor, d_wrong: torch.Tensor, differs: torch.Tensor, mismatch: float
) -> torch.Tensor:
    """The critic's hinge loss: real pairs above +1, fakes below -1, and real pictures shown with
    another picture's (different) caption below -1 too, so it also judges the match."""
    hinge = F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean()
    return hinge + mismatch * (F.relu(1 + d_wrong) * differs).mean()


def generator_loss(d_fake: torch.Tensor) -> torch.Tensor:
    """The painter's loss: raise the critic's score of its fakes (the hinge GAN's generator loss;
    like the non-saturating loss, it still pushes hard when the critic is sure)."""
    return -d_fake.mean()


def r1_penalty(d_real: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """Mescheder et al., 2018: (1/2) E ||grad_x D(x, c)||^2 at real pictures. A critic with
    gentle slopes around real pictures cannot throw the painter from one answer to another."""
    (grad,) = torch.autograd.grad(d_real.sum(), real, create_graph=True)
    return 0.5 * grad.pow(2).sum(dim=(1, 2, 3)).mean()


def mode_seeking_loss(fake_a: torch.Tensor, fake_b: torch.Tensor, z_a: torch.Tensor, z_b: torch.Tensor) -> torch.Tensor:
    """Mao et al., 2019: two noises for one prompt must give two different pictures; the loss is
    the inverse of how far apart the pictures are, per unit of distance between the noises."""
    spread = (fake_a - fake_b).abs().mean((1, 2, 3)) / (z_a - z_b).abs().mean(1)
    return 1 / (spread.mean() + 1e-5)


# --8<-- [end:loss]


# --- sampler ---------------------------------------------------------------------------------


# --8<-- [start:sampler]
@torch.no_grad()
def sample_images(
    model: GAN, prompt: str | Sequence[str], n: int, seed: int = 0, *, ema: bool = True, truncation: float = 1.0
) -> np.ndarray:
    """n pictures of a prompt (or one prompt each), one generator pass for all: (n, 32, 32, 3)
    uint8, the same for a seed. truncation < 1 draws z nearer its centre: safer, less varied."""
    canvas.check_count(n)
    tokens = prompt_tokens(prompt, n)  # raises canvas.PromptError for a bad prompt
    g = (model.generator_ema if ema else model.generator).eval()
    z = truncation * torch.randn(n, g.z_dim, generator=torch.Generator().manual_seed(seed))
    return to_pixels(g(z, tokens))


# --8<-- [end:sampler]


def network_passes(config: Config) -> int:
    """Network calls in a row per picture: one generator call paints it."""
    return 1


@torch.no_grad()
def probe(model: GAN) -> dict[str, torch.Tensor]:
    """What the networks compute on fixed inputs (the checkpoint's behaviour fingerprint): both
    generators' pictures from fixed noise and prompts, and the discriminator's scores."""
    inputs = probe_inputs(model.config.z_dim)
    out = {}
    for name, g in (("generator_ema", model.generator_ema), ("generator", model.generator)):
        out[name] = g.eval()(inputs["z"], inputs["tokens"])
    out["discriminator"] = model.discriminator.eval()(inputs["images"], inputs["tokens"])
    return out


@torch.no_grad()
def discriminator_scores(model: GAN, images: np.ndarray, prompt: str | Sequence[str]) -> np.ndarray:
    """The discriminator's verdict on (N, 32, 32, 3) images paired with a prompt, or one prompt
    each (>0: real).

    The verdict also reads how varied the batch is (the minibatch-std channel): N renders
    of one prompt vary less than the mixed batches D trained on, which lowers real and fake
    scores alike. Compare real with fake of the same prompt, rather than each with 0.
    """
    model.discriminator.eval()
    x = to_tensor(images).contiguous(memory_format=torch.channels_last)
    return model.discriminator(x, prompt_tokens(prompt, len(images))).numpy()


# --- training step ----------------------------------------------------------------------------


def train(
    config: Config, *, seed: int, device: torch.device, progress: bool = True, data: canvas.Dataset | None = None
) -> tuple[GAN, dict[str, list[float]]]:
    """The contest: per batch one discriminator step, then one generator step."""
    generator = fit.seed_everything(seed)
    data = data or fit.training_set()
    model = build(config).to(device)
    c = config
    G, D = model.generator, model.discriminator
    opt_g = torch.optim.Adam(G.parameters(), lr=c.lr, betas=c.betas)
    opt_d = torch.optim.Adam(D.parameters(), lr=c.lr * c.d_lr_ratio, betas=c.betas)

    def step(i: int, batch: fit.Batch) -> dict[str, float]:
        x, t, n = batch.images, batch.tokens, len(batch)  # x: real pictures, t: their captions
        # Fakes come in pairs: each of the first n/2 captions is painted from two noises z.
        t_fake = torch.cat([t[: n // 2], t[: n // 2]])
        z = torch.randn(n, c.z_dim, generator=generator).to(device)
        fake = G(z, t_fake)
        # 1. The critic: real pairs up, fake pairs down, real images with a wrong caption down.
        lazy_r1 = c.r1 > 0 and i % c.r1_every == 0
        if lazy_r1:
            x = x.detach().requires_grad_(True)
        h_real = D.features(x)
        text = D.text(t)
        differs = (batch.labels != batch.labels.roll(1, dims=0)).any(1).float()  # another caption that differs
        d_real, d_wrong = D.score(h_real, text), D.score(h_real, text.roll(1, dims=0))
        d_fake = D.score(D.features(fake.detach()), D.text(t_fake))
        d_loss = discriminator_loss(d_real, d_fake, d_wrong, differs, c.mismatch)
        if lazy_r1:
            d_loss = d_loss + c.r1 * c.r1_every * r1_penalty(d_real, x)
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        # 2. The painter: make the critic score its fakes high, and keep the two pictures of a
        # pair apart: a painter that ignores z pays.
        D.requires_grad_(False)
        g_loss = generator_loss(D(fake, t_fake))
        seen = F.avg_pool2d(fake, c.seek_pool) if c.seek_pool > 1 else fake  # pooled: layout, not speckle
        seek = mode_seeking_loss(seen[: n // 2], seen[n // 2 :], z[: n // 2], z[n // 2 :])
        opt_g.zero_grad(set_to_none=True)
        (g_loss + c.diversity * seek).backward()
        opt_g.step()
        D.requires_grad_(True)
        fit.ema_update(model.generator_ema, G, c.ema, i)  # the sampling copy: an average of recent G
        return {"d_loss": d_loss.item(), "g_loss": g_loss.item(), "d_real": d_real.mean().item(),
                "d_fake": d_fake.mean().item(), "seek": seek.item()}  # fmt: skip

    history = fit.fit(
        step, fit.Pictures(data, device), steps=c.steps, batch_size=c.batch, generator=generator,
        desc="gan", progress=progress, model=model,
    )  # fmt: skip
    return model, history
