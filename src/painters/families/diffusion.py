"""The diffusion painter: destroy images with noise, learn to undo it, paint from pure static.

Ho et al. (2020), "Denoising Diffusion Probabilistic Models", with three later habits that
make a tiny model good: a cosine noise schedule (Nichol & Dhariwal, 2021), v-prediction
(Salimans & Ho, 2022), DDIM sampling in a few steps (Song et al., 2021) and classifier-free
guidance (Ho & Salimans, 2022). Chapter: docs/diffusion.md.

Symbols as in the chapter: x0 a clean image, xt the noisy image at step t, eps the noise,
alpha_bar(t) how much of x0 survives at t, so xt = sqrt(alpha_bar) x0 + sqrt(1 - alpha_bar) eps.
The network sees (xt, t, prompt) and predicts v = sqrt(alpha_bar) eps - sqrt(1 - alpha_bar) x0,
from which x0 and eps both follow.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from painters import canvas
from painters.families import fit
from painters.families.shared import TextEncoder, drop_prompts, guide, probe_inputs, prompt_tokens, to_pixels


@dataclass
class Config:
    width: int = 32  # channels at 16x16; 8x8 and 4x4 use twice this
    text_dim: int = 128
    timesteps: int = 1000  # the training chain's length; sampling skips along it (DDIM)
    drop_prompt: float = 0.1  # share of captions replaced by "no prompt", for guidance
    steps: int = 8265  # the budget: training/budget.py counts it (scripts/budget.py)
    batch: int = 32
    lr: float = 2e-3
    ema: float = 0.999  # the sampler uses an exponential moving average of the weights
    sample_steps: int = 20
    guidance: float = 2.0  # the push towards the prompt; scripts/guidance_sweep.py measures others

    @classmethod
    def tiny(cls) -> Config:
        return cls(width=16, text_dim=32, steps=30, batch=16, lr=1e-3, sample_steps=4)


# --- the network: a small UNet ---------------------------------------------------------------


class ResBlock(nn.Module):
    """Two 3x3 convolutions; the step and the prompt scale and shift the features between them."""

    def __init__(self, cin: int, cout: int, emb: int) -> None:
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(8, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.film = nn.Linear(emb, 2 * cout)
        self.norm2, self.conv2 = nn.GroupNorm(8, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.film(emb)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        return self.skip(x) + self.conv2(F.silu(h))


class Attention(nn.Module):
    """Self-attention over the 4x4 grid: lets far corners of the picture agree."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm = nn.GroupNorm(8, channels)
        self.attn = nn.MultiheadAttention(channels, 4, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        seq = self.norm(x).flatten(2).transpose(1, 2)  # (B, h*w, C)
        out, _ = self.attn(seq, seq, seq, need_weights=False)
        return x + out.transpose(1, 2).reshape(b, c, h, w)


class Denoiser(nn.Module):
    """UNet at 16x16, 8x8 and 4x4 behind a space-to-depth stem; predicts v from (xt, t, prompt)."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        c, e = config.width, config.text_dim
        self.config = config
        self.text = TextEncoder(e)
        self.null_prompt = nn.Parameter(torch.zeros(e))  # "no prompt", for guidance
        self.time = nn.Sequential(nn.Linear(e, e), nn.SiLU(), nn.Linear(e, e))
        self.stem = nn.Sequential(nn.PixelUnshuffle(2), nn.Conv2d(12, c, 3, padding=1))  # (B, c, 16, 16)
        self.down1 = nn.ModuleList([ResBlock(c, c, e), ResBlock(c, c, e)])
        self.pool1 = nn.Conv2d(c, 2 * c, 3, stride=2, padding=1)  # (B, 2c, 8, 8)
        self.down2 = nn.ModuleList([ResBlock(2 * c, 2 * c, e), ResBlock(2 * c, 2 * c, e)])
        self.pool2 = nn.Conv2d(2 * c, 2 * c, 3, stride=2, padding=1)  # (B, 2c, 4, 4)
        self.mid1, self.mid_attn, self.mid2 = ResBlock(2 * c, 2 * c, e), Attention(2 * c), ResBlock(2 * c, 2 * c, e)
        self.up2 = nn.Conv2d(2 * c, 2 * c, 3, padding=1)
        self.dec2 = nn.ModuleList([ResBlock(4 * c, 2 * c, e), ResBlock(2 * c, 2 * c, e)])
        self.up1 = nn.Conv2d(2 * c, c, 3, padding=1)
        self.dec1 = nn.ModuleList([ResBlock(2 * c, c, e), ResBlock(c, c, e)])
        # Back to 32x32: PixelShuffle, then one full-resolution conv that blends the 2x2 cells,
        # so the patch grid of the stem does not show in the samples.
        self.head = nn.Sequential(nn.GroupNorm(8, c), nn.SiLU(), nn.Conv2d(c, 64, 3, padding=1), nn.PixelShuffle(2))
        self.out = nn.Sequential(nn.SiLU(), nn.Conv2d(16, 3, 3, padding=1))

    def embed(self, t: torch.Tensor, tokens: torch.Tensor | None) -> torch.Tensor:
        e = self.config.text_dim
        freqs = torch.exp(-math.log(10_000) * torch.arange(e // 2, device=t.device) / (e // 2))
        angles = t.float()[:, None] * freqs[None]
        step = self.time(torch.cat([angles.sin(), angles.cos()], dim=1))
        prompt = self.null_prompt.expand(len(t), -1) if tokens is None else self.text(tokens)
        return step + prompt

    def forward(self, xt: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        """emb is embed(t, tokens): the step and the prompt, one (B, text_dim) vector."""
        prompt = emb
        h = self.stem(xt)
        for block in self.down1:
            h = block(h, prompt)
        s1 = h
        h = self.pool1(h)
        for block in self.down2:
            h = block(h, prompt)
        s2 = h
        h = self.mid2(self.mid_attn(self.mid1(self.pool2(h), prompt)), prompt)
        h = self.up2(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = torch.cat([h, s2], dim=1)
        for block in self.dec2:
            h = block(h, prompt)
        h = self.up1(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = torch.cat([h, s1], dim=1)
        for block in self.dec1:
            h = block(h, prompt)
        return self.out(self.head(h))


class Painter(nn.Module):
    """The denoiser and its moving-average copy; sampling uses the copy."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config
        self.net = Denoiser(config)
        self.ema = Denoiser(config)
        self.ema.load_state_dict(self.net.state_dict())
        self.ema.requires_grad_(False)


def build(config: Config) -> Painter:
    return Painter(config).to(memory_format=torch.channels_last)  # type: ignore[call-overload]


# --- loss: the forward process and the denoising objective -----------------------------------


#: The cosine schedule's offset s and the floor of alpha_bar (the in-page sampler reads these
#: from the export's settings, and its test holds it to alpha_bar at every t).
SCHEDULE_OFFSET = 0.008
ALPHA_BAR_MIN = 1e-5


def alpha_bar(t: torch.Tensor, timesteps: int) -> torch.Tensor:
    """Cosine schedule: the share of the clean image's variance left at step t (1 at t=0)."""
    s = SCHEDULE_OFFSET
    f = torch.cos((t.float() / timesteps + s) / (1 + s) * math.pi / 2) ** 2
    return (f / math.cos(s / (1 + s) * math.pi / 2) ** 2).clamp(ALPHA_BAR_MIN, 1.0)


# --8<-- [start:forward]
def q_sample(x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor, timesteps: int) -> torch.Tensor:
    """The forward process in one jump: xt = sqrt(alpha_bar) x0 + sqrt(1 - alpha_bar) eps."""
    ab = alpha_bar(t, timesteps).view(-1, 1, 1, 1)
    return ab.sqrt() * x0 + (1 - ab).sqrt() * eps


def v_target(x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor, timesteps: int) -> torch.Tensor:
    """What the network learns to predict: v = sqrt(alpha_bar) eps - sqrt(1 - alpha_bar) x0."""
    ab = alpha_bar(t, timesteps).view(-1, 1, 1, 1)
    return ab.sqrt() * eps - (1 - ab).sqrt() * x0


# --8<-- [end:forward]


# --8<-- [start:loss]
def denoising_loss(model: Painter, x0: torch.Tensor, tokens: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Noise each x0 to a random step t, ask the network for v, and score it by squared error.

    Some captions are replaced by "no prompt" (drop_prompt), so one network also learns the
    prompt-free v that classifier-free guidance pushes away from.
    """
    cfg = model.config
    t = torch.randint(1, cfg.timesteps + 1, (len(x0),), generator=generator).to(x0.device)
    eps = torch.randn(x0.shape, generator=generator).to(x0.device)
    xt = q_sample(x0, t, eps, cfg.timesteps)
    net = model.net
    emb = drop_prompts(net.embed(t, tokens), net.embed(t, None), cfg.drop_prompt, generator)
    v_hat = net(xt.contiguous(memory_format=torch.channels_last), emb)
    return F.mse_loss(v_hat, v_target(x0, t, eps, cfg.timesteps))


# --8<-- [end:loss]


# --- sampler ---------------------------------------------------------------------------------


# --8<-- [start:guidance]
def guided_v(model: Painter, xt: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor, guidance: float) -> torch.Tensor:
    """Classifier-free guidance: v = v_free + w (v_prompt - v_free), both from one network call
    on a doubled batch (the picture with its prompt, and with "no prompt")."""
    net = model.ema
    xt = xt.contiguous(memory_format=torch.channels_last)
    if guidance == 1.0:
        return net(xt, net.embed(t, tokens))
    return guided_pair(net, xt, t, tokens, guidance)


def guided_pair(
    net: Denoiser, xt: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor, guidance: float | torch.Tensor
) -> torch.Tensor:
    """The prompted and prompt-free predictions from one call on a doubled batch, mixed."""
    emb = torch.cat([net.embed(t, tokens), net.embed(t, None)])
    v_prompt, v_free = net(torch.cat([xt, xt]), emb).chunk(2)
    return guide(v_prompt, v_free, guidance)


# --8<-- [end:guidance]


# --8<-- [start:ddim]
@torch.no_grad()
def ddim_trajectory(
    model: Painter, tokens: torch.Tensor, *, steps: int, guidance: float, generator: torch.Generator
) -> list[tuple[int, torch.Tensor, torch.Tensor]]:
    """Deterministic DDIM from pure noise x_T to x_0; returns (t, xt, predicted x0) per step."""
    cfg = model.config
    b = len(tokens)
    x = torch.randn((b, 3, canvas.SIZE, canvas.SIZE), generator=generator)
    times = torch.linspace(cfg.timesteps, 0, steps + 1).round().long()
    out = []
    for t_now, t_next in itertools.pairwise(times):
        v = guided_v(model, x, t_now.expand(b), tokens, guidance)
        ab = alpha_bar(t_now, cfg.timesteps)
        x0 = (ab.sqrt() * x - (1 - ab).sqrt() * v).clamp(-1, 1)  # the clean picture it sees now
        eps = (x - ab.sqrt() * x0) / (1 - ab).sqrt().clamp(min=1e-4)  # the noise it sees in x
        ab_next = alpha_bar(t_next, cfg.timesteps) if t_next > 0 else torch.tensor(1.0)
        out.append((int(t_now), x, x0))
        x = ab_next.sqrt() * x0 + (1 - ab_next).sqrt() * eps  # the same x0 and eps, one step less noisy
    out.append((0, x, x))
    return out


# --8<-- [end:ddim]


def sample_images(
    model: Painter,
    prompt: str | Sequence[str],
    n: int,
    seed: int = 0,
    *,
    steps: int | None = None,
    guidance: float | None = None,
) -> np.ndarray:
    """n pictures of a prompt (or one prompt each), (n, 32, 32, 3) uint8; same seed, same pictures."""
    canvas.check_count(n)
    tokens = prompt_tokens(prompt, n)  # raises canvas.PromptError before any network runs
    cfg = model.config
    generator = torch.Generator().manual_seed(seed)
    path = ddim_trajectory(
        model, tokens, steps=steps or cfg.sample_steps,
        guidance=cfg.guidance if guidance is None else guidance, generator=generator,
    )  # fmt: skip
    return to_pixels(path[-1][1])


def network_passes(config: Config) -> int:
    """Network calls in a row per picture: one guided call per DDIM step (the prompt and no-prompt
    pair share one batch)."""
    return config.sample_steps


@torch.no_grad()
def probe(model: Painter) -> dict[str, torch.Tensor]:
    """What the networks and the sampler compute on fixed inputs (the checkpoint's behaviour
    fingerprint): v from both copies of the denoiser, and a four-step guided DDIM path."""
    inputs = probe_inputs()
    t = torch.tensor([100, 700])
    out = {}
    for name, net in (("ema", model.ema), ("net", model.net)):
        xt = inputs["noise"].contiguous(memory_format=torch.channels_last)
        out[name] = net.eval()(xt, net.embed(t, inputs["tokens"]))
    path = ddim_trajectory(
        model, inputs["tokens"], steps=4, guidance=model.config.guidance, generator=torch.Generator().manual_seed(0)
    )
    out["sampler"] = path[-1][1]
    return out


# --- training step ----------------------------------------------------------------------------


def train(
    config: Config, *, seed: int, device: torch.device, progress: bool = True, data: canvas.Dataset | None = None
) -> tuple[Painter, dict[str, list[float]]]:
    """Minimise the denoising loss; sample with a moving average of the weights."""
    generator = fit.seed_everything(seed)
    data = data or fit.training_set()
    model = build(config).to(device)
    optimizer = torch.optim.AdamW(model.net.parameters(), lr=config.lr, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, config.lr, total_steps=config.steps, pct_start=0.05)

    def step(i: int, batch: fit.Batch) -> dict[str, float]:
        loss = denoising_loss(model, batch.images, batch.tokens, generator)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.net.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        fit.ema_update(model.ema, model.net, config.ema, i)
        return {"loss": loss.item()}

    history = fit.fit(
        step, fit.Pictures(data, device), steps=config.steps, batch_size=config.batch, generator=generator,
        desc="diffusion", progress=progress, model=model,
    )  # fmt: skip
    return model, history
