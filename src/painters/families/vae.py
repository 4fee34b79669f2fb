"""A conditional variational autoencoder: squeeze a picture into a small latent, rebuild it.

Kingma & Welling, 2013 (https://arxiv.org/abs/1312.6114), conditioned on the prompt as in
Sohn et al., 2015 (conditional VAE, with its learned prior p(z | text)), with the beta
weight on the KL term of Higgins et al., 2017 (beta-VAE). Chapter: docs/vae.md.

The encoder reads a 32x32 picture (3072 numbers) and its prompt and proposes a Gaussian
q(z | x, text) over a short latent vector z (8 numbers); the decoder rebuilds the picture
from a draw of z and the prompt. Training maximises the evidence lower bound

    ELBO = E_q[log p(x | z, text)] - beta * KL(q(z | x, text) || p(z | text)),

with a Gaussian decoder of fixed standard deviation `sigma` and a Gaussian prior whose mean
and spread are read from the prompt: p(z | text) = N(mu_p(text), sigma_p(text)^2). To paint,
draw eps from N(0, I), set z = mu_p + sigma_p * eps, and decode z with the prompt.

Why a prompt-dependent prior, a short z and a loose decoder: with the plain N(0, I) prior, z
learns the object's shape before the decoder learns it from the words, and prior samples paint
a random object in the asked colour. Each of the three makes z dearer, so that it keeps only
what the words leave open: where the object stands, how big it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from painters import canvas
from painters.families import fit
from painters.families.shared import TextEncoder, probe_inputs, prompt_tokens, to_pixels, to_tensor


@dataclass
class Config:
    latent_dim: int = 8  # numbers in z, against 3 x 32 x 32 pixel values
    width: int = 48  # channels at 16x16; doubled at 8x8 and again at 4x4
    text_dim: int = 64
    beta: float = 1.0  # weight of the KL term; 1 is the true ELBO
    kl_start: float = 10.0  # the KL weight starts this many times higher ...
    kl_anneal: float = 0.4  # ... and falls to beta over this share of the steps (see train)
    sigma: float = 0.5  # decoder std in [-1, 1] pixel units: loose, so every nat of z is dear
    steps: int = 6660  # the budget: training/budget.py counts it (scripts/budget.py)
    batch: int = 64
    lr: float = 2e-3

    @classmethod
    def tiny(cls) -> Config:
        """A few-second configuration for tests."""
        return cls(latent_dim=4, width=8, text_dim=16, steps=30, batch=16, lr=3e-3)


# --- networks --------------------------------------------------------------------------------


class FiLM(nn.Module):
    """GroupNorm, then a scale and shift read from the prompt vector (Perez et al., 2018)."""

    def __init__(self, channels: int, text_dim: int) -> None:
        super().__init__()
        self.norm = nn.GroupNorm(8 if channels % 8 == 0 else 1, channels, affine=False)
        self.scale_shift = nn.Linear(text_dim, 2 * channels)

    def forward(self, x: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        gamma, beta = self.scale_shift(text)[:, :, None, None].chunk(2, dim=1)
        return F.gelu(self.norm(x) * (1 + gamma) + beta)


class Encoder(nn.Module):
    """(image, prompt vector) -> mean and log-variance of q(z | x, text), each (B, latent_dim)."""

    def __init__(self, c: Config) -> None:
        super().__init__()
        w = c.width
        self.stem = nn.Sequential(
            nn.PixelUnshuffle(2),  # (B, 12, 16, 16): the cheap way down on a CPU
            nn.Conv2d(12, w, 3, padding=1),
            nn.GELU(),
            nn.Conv2d(w, 2 * w, 4, stride=2, padding=1),  # (B, 2w, 8, 8)
        )
        self.film8 = FiLM(2 * w, c.text_dim)
        self.down = nn.Conv2d(2 * w, 4 * w, 4, stride=2, padding=1)  # (B, 4w, 4, 4)
        self.film4 = FiLM(4 * w, c.text_dim)
        self.head = nn.Linear(4 * w * 4 * 4, 2 * c.latent_dim)

    def forward(self, x: torch.Tensor, text: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.film8(self.stem(x), text)
        h = self.film4(self.down(h), text)
        mu, logvar = self.head(h.flatten(1)).chunk(2, dim=1)
        return mu, logvar.clamp(-12, 6)


class Decoder(nn.Module):
    """(z, prompt vector) -> image: 4x4 -> 8x8 -> 16x16, then PixelShuffle to 32x32."""

    def __init__(self, c: Config) -> None:
        super().__init__()
        w = c.width
        self.inp = nn.Linear(c.latent_dim + c.text_dim, 4 * w * 4 * 4)
        self.width = w
        self.film4 = FiLM(4 * w, c.text_dim)
        self.conv4 = nn.Conv2d(4 * w, 4 * w, 3, padding=1)
        self.film4b = FiLM(4 * w, c.text_dim)
        self.conv8 = nn.Conv2d(4 * w, 2 * w, 3, padding=1)
        self.film8 = FiLM(2 * w, c.text_dim)
        self.conv16 = nn.Conv2d(2 * w, w, 3, padding=1)
        self.film16 = FiLM(w, c.text_dim)
        self.to_rgb = nn.Conv2d(w, 3 * 4, 3, padding=1)
        icnr_(self.to_rgb)

    def forward(self, z: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        h = self.inp(torch.cat([z, text], dim=1)).view(-1, 4 * self.width, 4, 4)
        h = self.film4(h.contiguous(memory_format=torch.channels_last), text)  # (B, 4w, 4, 4)
        h = self.film4b(self.conv4(h), text)
        h = self.film8(self.conv8(F.interpolate(h, scale_factor=2.0, mode="nearest")), text)  # 8x8
        h = self.film16(self.conv16(F.interpolate(h, scale_factor=2.0, mode="nearest")), text)  # 16x16
        return F.pixel_shuffle(self.to_rgb(h), 2)  # (B, 3, 32, 32), the mean of p(x | z, text)


def icnr_(conv: nn.Conv2d, factor: int = 2) -> None:
    """ICNR init (Aitken et al., 2017): PixelShuffle starts as nearest upsampling, no checkerboard."""
    out, cin, kh, kw = conv.weight.shape
    base = torch.empty(out // factor**2, cin, kh, kw)
    nn.init.kaiming_normal_(base)
    conv.weight.data.copy_(base.repeat_interleave(factor**2, dim=0))
    if conv.bias is not None:
        nn.init.zeros_(conv.bias)


class Prior(nn.Module):
    """Prompt vector -> mean and log-variance of p(z | text); starts as N(0, I)."""

    def __init__(self, c: Config) -> None:
        super().__init__()
        self.hidden = nn.Linear(c.text_dim, 2 * c.text_dim)
        self.out = nn.Linear(2 * c.text_dim, 2 * c.latent_dim)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, text: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.out(F.gelu(self.hidden(text))).chunk(2, dim=1)
        return mu, logvar.clamp(-12, 6)


class VAE(nn.Module):
    """Encoder, decoder, the prompt's prior, and the text encoder they share."""

    def __init__(self, c: Config) -> None:
        super().__init__()
        self.config = c
        self.text = TextEncoder(c.text_dim)
        self.encoder = Encoder(c)
        self.decoder = Decoder(c)
        self.prior = Prior(c)

    def forward(self, x: torch.Tensor, tokens: torch.Tensor, eps: torch.Tensor) -> dict[str, torch.Tensor]:
        text = self.text(tokens)
        mu, logvar = self.encoder(x, text)
        z = mu + (0.5 * logvar).exp() * eps  # the reparameterisation trick
        mu_p, logvar_p = self.prior(text)
        return {"x_hat": self.decoder(z, text), "mu": mu, "logvar": logvar, "mu_p": mu_p, "logvar_p": logvar_p}


def build(config: Config) -> VAE:
    return VAE(config).to(memory_format=torch.channels_last)  # type: ignore[call-overload]


# --- loss: the evidence lower bound -----------------------------------------------------------


# --8<-- [start:loss]
def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor, mu_p: torch.Tensor, logvar_p: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, e^logvar) || N(mu_p, e^logvar_p)) per latent number, in nats."""
    return 0.5 * (logvar_p - logvar + (logvar.exp() + (mu - mu_p) ** 2) / logvar_p.exp() - 1)


def elbo_terms(model: VAE, x: torch.Tensor, tokens: torch.Tensor, eps: torch.Tensor) -> dict[str, torch.Tensor]:
    """The two terms of the negative ELBO, per picture, in nats: the rebuild's squared error under
    the Gaussian decoder, ||x - x_hat||^2 / (2 sigma^2) (up to a constant), and the KL of the
    encoder's q(z | x, text) from the prompt's prior p(z | text)."""
    out = model(x, tokens, eps)
    sigma = model.config.sigma
    recon = ((out["x_hat"] - x) ** 2).flatten(1).sum(1) / (2 * sigma**2)  # (B,)
    kl = gaussian_kl(out["mu"], out["logvar"], out["mu_p"], out["logvar_p"]).sum(1)  # (B,)
    return {"recon": recon.mean(), "kl": kl.mean(), "mse": ((out["x_hat"] - x) ** 2).mean()}


# --8<-- [end:loss]


# --- sampler and the other ways through the model -------------------------------------------------


def _text(model: VAE, prompts: str | Sequence[str], n: int) -> torch.Tensor:
    return model.text(prompt_tokens(prompts, n))


@torch.no_grad()
def encode_images(model: VAE, images: np.ndarray, prompts: str | Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and log-variance of q(z | x, text) for (N, 32, 32, 3) uint8 images: (N, latent_dim) each."""
    model.eval()
    x = to_tensor(images).contiguous(memory_format=torch.channels_last)
    return model.encoder(x, _text(model, prompts, len(images)))


@torch.no_grad()
def decode_latents(model: VAE, z: torch.Tensor, prompts: str | Sequence[str]) -> np.ndarray:
    """Pictures (N, 32, 32, 3) uint8 from latents z (N, latent_dim) and prompts."""
    model.eval()
    return to_pixels(model.decoder(z, _text(model, prompts, len(z))))


def reconstruct(model: VAE, images: np.ndarray, prompts: str | Sequence[str]) -> np.ndarray:
    """Encode and decode: the rebuilt pictures, from the mean of q (no sampling noise)."""
    mu, _ = encode_images(model, images, prompts)
    return decode_latents(model, mu, prompts)


@torch.no_grad()
def prior_of(model: VAE, prompts: str | Sequence[str], n: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and standard deviation of p(z | text): (n, latent_dim) each."""
    model.eval()
    mu_p, logvar_p = model.prior(_text(model, prompts, n))
    return mu_p, (0.5 * logvar_p).exp()


# --8<-- [start:sampler]
def prior_latents(
    model: VAE, prompt: str | Sequence[str], n: int, seed: int = 0, temperature: float = 1.0
) -> torch.Tensor:
    """n draws of z from the prompt's prior: z = mu_p + temperature * sigma_p * eps, (n, latent_dim)."""
    mu_p, sigma_p = prior_of(model, prompt, n)
    eps = torch.randn((n, model.config.latent_dim), generator=torch.Generator().manual_seed(seed))
    return mu_p + temperature * sigma_p * eps


def sample_images(
    model: VAE, prompt: str | Sequence[str], n: int, seed: int = 0, *, temperature: float = 1.0
) -> np.ndarray:
    """n new pictures of a prompt (or one prompt each): z from the prior, through the decoder."""
    canvas.check_count(n)
    prompt_tokens(prompt, n)  # raises canvas.PromptError for a bad prompt, before any work
    return decode_latents(model, prior_latents(model, prompt, n, seed, temperature), prompt)


# --8<-- [end:sampler]


def network_passes(config: Config) -> int:
    """Network calls in a row per picture: the prompt's prior, then the decoder."""
    return 2


@torch.no_grad()
def probe(model: VAE) -> dict[str, torch.Tensor]:
    """What the networks compute on fixed inputs (the checkpoint's behaviour fingerprint): the
    encoder's q, the prompt's prior, and the decoder's pictures from prior draws."""
    model.eval()
    inputs = probe_inputs(model.config.latent_dim)
    text = model.text(inputs["tokens"])
    mu, logvar = model.encoder(inputs["images"], text)
    mu_p, logvar_p = model.prior(text)
    z = mu_p + (0.5 * logvar_p).exp() * inputs["z"]
    return {"q": torch.cat([mu, logvar], 1), "prior": torch.cat([mu_p, logvar_p], 1), "decoder": model.decoder(z, text)}


def interpolate(
    model: VAE, prompt: str, z_a: torch.Tensor, z_b: torch.Tensor, steps: int, *, spherical: bool = True
) -> np.ndarray:
    """Pictures along a path from z_a to z_b (each (latent_dim,)): (steps, 32, 32, 3) uint8.

    The path is taken in the prompt's standardised noise, eps = (z - mu_p) / sigma_p. The
    spherical path (slerp) keeps every point as likely under the prior as its ends; the
    straight line passes near the prior's mean, where the pictures turn average and soft.
    """
    if steps < 2:
        raise ValueError(f"steps={steps}: a path needs at least its two ends")
    mu_p, sigma_p = (v[0] for v in prior_of(model, prompt))
    t = torch.linspace(0, 1, steps)[:, None]
    a, b = ((z_a - mu_p) / sigma_p)[None], ((z_b - mu_p) / sigma_p)[None]  # (1, latent_dim)
    if spherical:
        omega = torch.arccos((F.normalize(a, dim=1) * F.normalize(b, dim=1)).sum().clamp(-1 + 1e-6, 1 - 1e-6))
        path = (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)
    else:
        path = (1 - t) * a + t * b
    return decode_latents(model, mu_p + sigma_p * path, prompt)


# --- training step ----------------------------------------------------------------------------


def train(
    config: Config, *, seed: int, device: torch.device, progress: bool = True, data: canvas.Dataset | None = None
) -> tuple[VAE, dict[str, list[float]]]:
    """Minimise the negative beta-ELBO on the shared training set (or `data`)."""
    generator = fit.seed_everything(seed)
    data = data or fit.training_set()
    model = build(config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, config.lr, total_steps=config.steps, pct_start=0.1)

    def step(i: int, batch: fit.Batch) -> dict[str, float]:
        # KL annealing, downwards: while z is expensive the decoder learns to paint each prompt
        # from its words alone; only then may z take on what the words leave open (layout).
        # Started at beta, z wins the race and carries the colours too, and the decoder
        # ignores the prompt: then samples from the prior paint random scenes.
        warm = max(0.0, 1 - i / max(1.0, config.kl_anneal * config.steps))
        kl_weight = config.beta * (1 + (config.kl_start - 1) * warm)
        eps = torch.randn(len(batch), config.latent_dim, generator=generator).to(device)
        terms = elbo_terms(model, batch.images, batch.tokens, eps)
        loss = terms["recon"] + kl_weight * terms["kl"]  # the negative (beta-)ELBO, per picture
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        return {
            "loss": loss.item(),
            "recon": terms["recon"].item(),
            "kl": terms["kl"].item(),
            "mse": terms["mse"].item(),
        }

    history = fit.fit(
        step, fit.Pictures(data, device), steps=config.steps, batch_size=config.batch, generator=generator,
        desc="vae", progress=progress, model=model,
    )  # fmt: skip
    return model, history
