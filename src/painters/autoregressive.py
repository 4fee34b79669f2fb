"""The autoregressive painter: cut the picture into tokens, then write them one after another.

Two parts, trained one after the other. A VQ tokenizer (van den Oord et al., 2017, "Neural
Discrete Representation Learning") turns a 32x32 image into an 8x8 grid of codebook tokens,
each standing for a 4x4 patch. A small decoder-only transformer, as in ImageGPT (Chen et al.,
2020) and DALL-E 1 (Ramesh et al., 2021), reads the prompt and predicts the 64 tokens in
reading order, each from the ones before it. Chapter: docs/autoregressive.md.

Symbols as in the chapter: z_i the token at position i (0..63), p(z_i | z_<i, prompt) what the
transformer predicts, K the codebook size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from painters import fit, world
from painters.nn import TextEncoder, probe_inputs, prompt_tokens, to_pixels

GRID = 8  # tokens per side: 8x8 = 64 tokens, each a 4x4 patch
LENGTH = GRID * GRID
MAX_CODEBOOK = 4096  # a bigger codebook would mostly hold codes that are never used


@dataclass
class Config:
    codebook: int = 256  # K: how many different patches the tokenizer can name
    code_dim: int = 32
    vq_width: int = 48
    vq_steps: int = 2500
    edge_weight: float = 1.0  # the tokenizer also matches pixel-to-pixel differences: sharper patches
    adversarial: float = 0.1  # weight of a patch critic's verdict on the rebuilds (VQGAN): crisp, not averaged
    adversarial_start: int = 800  # tokenizer steps before the critic's verdict counts
    dim: int = 128  # transformer width
    layers: int = 4
    heads: int = 4
    drop_prompt: float = 0.1  # share of captions replaced by "no prompt", for guidance
    steps: int = 3000  # transformer steps
    batch: int = 64
    lr: float = 1e-3
    temperature: float = 1.0
    guidance: float = 3.0

    def __post_init__(self) -> None:
        # Checked here, before any work: a run that trains a tokenizer for minutes must not fail after it.
        if not 2 <= self.codebook <= MAX_CODEBOOK:
            raise ValueError(f"codebook={self.codebook}: use between 2 and {MAX_CODEBOOK} codes")
        if self.dim % self.heads:
            raise ValueError(f"dim={self.dim} does not split into heads={self.heads} equal heads")

    @classmethod
    def tiny(cls) -> Config:
        return cls(
            codebook=16, code_dim=8, vq_width=16, vq_steps=20, adversarial_start=10, dim=32, layers=1, heads=2,
            steps=30, batch=16,
        )  # fmt: skip


# --- the tokenizer ------------------------------------------------------------------------------


class Tokenizer(nn.Module):
    """A VQ-VAE: 32x32 image to an 8x8 grid of codebook indices, and back."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        w, d = config.vq_width, config.code_dim
        self.encoder = nn.Sequential(
            nn.PixelUnshuffle(2), nn.Conv2d(12, w, 3, padding=1), nn.GELU(),  # (B, w, 16, 16)
            nn.Conv2d(w, 2 * w, 4, stride=2, padding=1), nn.GELU(),  # (B, 2w, 8, 8)
            nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.GELU(),
            nn.Conv2d(2 * w, d, 1),
        )  # fmt: skip
        self.codebook = nn.Embedding(config.codebook, d)
        self.codebook.weight.data.uniform_(-1 / config.codebook, 1 / config.codebook)
        self.decoder = nn.Sequential(
            nn.Conv2d(d, 2 * w, 3, padding=1), nn.GELU(),
            nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.GELU(),
            nn.ConvTranspose2d(2 * w, w, 4, stride=2, padding=1), nn.GELU(),  # (B, w, 16, 16)
            nn.Conv2d(w, w, 3, padding=1), nn.GELU(),
            nn.Conv2d(w, 12, 3, padding=1), nn.PixelShuffle(2),  # (B, 3, 32, 32)
        )  # fmt: skip

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Image (B, 3, 32, 32) to token ids (B, 64) and the continuous codes (B, d, 8, 8)."""
        h = self.encoder(x)
        flat = h.permute(0, 2, 3, 1).reshape(-1, h.shape[1])  # (B*64, d)
        dist = (flat**2).sum(1, keepdim=True) - 2 * flat @ self.codebook.weight.T + (self.codebook.weight**2).sum(1)
        return dist.argmin(1).view(len(x), LENGTH), h

    def decode(self, ids: torch.Tensor) -> torch.Tensor:
        """Token ids (B, 64) to an image (B, 3, 32, 32) in [-1, 1] (unclamped)."""
        q = self.codebook(ids).view(len(ids), GRID, GRID, -1).permute(0, 3, 1, 2)
        return self.decoder(q)


class PatchCritic(nn.Module):
    """A small critic that scores every 8x8-pixel patch of a picture (real: high), used only
    while the tokenizer trains: its verdict penalises rebuilds that average edges into blur."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        self.body = nn.Sequential(
            spectral_norm(nn.Conv2d(3, width, 4, stride=2, padding=1)), nn.LeakyReLU(0.2),  # (B, w, 16, 16)
            spectral_norm(nn.Conv2d(width, 2 * width, 4, stride=2, padding=1)), nn.LeakyReLU(0.2),  # (B, 2w, 8, 8)
            spectral_norm(nn.Conv2d(2 * width, 1, 3, padding=1)),  # (B, 1, 8, 8): one score per patch
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


# --- the transformer ---------------------------------------------------------------------------


class Block(nn.Module):
    """Pre-norm causal self-attention and MLP, with an optional key/value cache for sampling."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.norm1, self.qkv, self.proj = nn.LayerNorm(dim), nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x: torch.Tensor, cache: dict[str, torch.Tensor] | None = None) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        if cache is not None:  # keep the keys and values of earlier positions instead of recomputing
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], dim=2), torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        causal = cache is None or t > 1  # one new query may see every cached position
        y = F.scaled_dot_product_attention(q, k, v, is_causal=causal)  # (B, heads, t, c/heads)
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.mlp(self.norm2(x))


class Painter(nn.Module):
    """Tokenizer + prompt-conditioned transformer over the 64 tokens."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config
        self.tokenizer = Tokenizer(config)
        d = config.dim
        self.text = TextEncoder(d)
        self.null_prompt = nn.Parameter(torch.zeros(d))
        self.token = nn.Embedding(config.codebook, d)
        self.position = nn.Parameter(torch.randn(1, LENGTH, d) * 0.02)
        self.blocks = nn.ModuleList([Block(d, config.heads) for _ in range(config.layers)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, config.codebook)

    def prompt_vector(self, tokens: torch.Tensor | None, b: int) -> torch.Tensor:
        """The start token: the prompt read into one vector (or "no prompt")."""
        return self.null_prompt.expand(b, -1) if tokens is None else self.text(tokens)

    def logits(self, start: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """Next-token logits at every position: (B, n+1, K) from a start vector and n tokens."""
        x = torch.cat([start[:, None], self.token(ids) + self.position[:, : ids.shape[1]]], dim=1)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))

    def step(self, x: torch.Tensor, caches: list[dict[str, torch.Tensor]]) -> torch.Tensor:
        """Feed new positions x (B, t, d) through the cached blocks; logits of the last one."""
        for block, cache in zip(self.blocks, caches, strict=True):
            x = block(x, cache)
        return self.head(self.norm(x[:, -1]))


def build(config: Config) -> Painter:
    return Painter(config)


# --- loss: the tokenizer's VQ objective and the transformer's next-token likelihood -------------


# --8<-- [start:vq_loss]
def vq_loss(
    tokenizer: Tokenizer, x: torch.Tensor, edge_weight: float = 0.0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The VQ-VAE objective: rebuild x through the nearest codes, move the codes towards the
    encoder's outputs, and commit the encoder to its codes; the straight-through estimator
    carries the decoder's gradient past the (not differentiable) nearest-code lookup.

    With edge_weight > 0 the rebuild must also match the differences between neighbouring
    pixels: plain L1 alone lets the decoder average edges away into blur. Returns the loss, the
    L1 rebuild error and the rebuilt pictures."""
    ids, h = tokenizer.encode(x)
    q = tokenizer.codebook(ids).view(len(x), GRID, GRID, -1).permute(0, 3, 1, 2)
    codebook_loss = F.mse_loss(q, h.detach())  # ||sg[h] - e||^2: codes move to the encoder
    commitment = F.mse_loss(h, q.detach())  # ||h - sg[e]||^2: the encoder stays near its codes
    q = h + (q - h).detach()  # straight-through: forward uses q, backward treats it as h
    rebuilt = tokenizer.decoder(q)
    recon = F.l1_loss(rebuilt, x)
    edges = F.l1_loss(rebuilt.diff(dim=2), x.diff(dim=2)) + F.l1_loss(rebuilt.diff(dim=3), x.diff(dim=3))
    return recon + edge_weight * edges + codebook_loss + 0.25 * commitment, recon, rebuilt


def patch_hinge_losses(
    critic: PatchCritic, real: torch.Tensor, rebuilt: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The VQGAN contest (Esser et al., 2021), hinge form: the critic's loss (real patches above
    +1, rebuilt ones below -1) and the tokenizer's (raise the critic's score of its rebuilds)."""
    critic_loss = F.relu(1 - critic(real)).mean() + F.relu(1 + critic(rebuilt.detach())).mean()
    return critic_loss, -critic(rebuilt).mean()


# --8<-- [end:vq_loss]


# --8<-- [start:next_token_loss]
def next_token_loss(
    model: Painter, codes: torch.Tensor, tokens: torch.Tensor, generator: torch.Generator
) -> torch.Tensor:
    """-log p(z | prompt) = -sum_i log p(z_i | z_<i, prompt), averaged per token: cross-entropy
    of each position's prediction with the token that is really there (teacher forcing).
    Some captions are replaced by "no prompt" (drop_prompt), for guidance."""
    b = len(codes)
    drop = (torch.rand(b, generator=generator) < model.config.drop_prompt).to(codes.device)
    start = torch.where(drop[:, None], model.prompt_vector(None, b), model.prompt_vector(tokens, b))
    logits = model.logits(start, codes[:, :-1])  # position i predicts z_i from z_<i
    return F.cross_entropy(logits.reshape(-1, model.config.codebook), codes.reshape(-1))


# --8<-- [end:next_token_loss]


# --- sampler ------------------------------------------------------------------------------------


# --8<-- [start:sampler]
def guided_cdf(cond: torch.Tensor, free: torch.Tensor, guidance: float, temperature: float) -> torch.Tensor:
    """The cumulative next-token distribution: logits mixed with and without the prompt,
    l = l_free + w (l_prompt - l_free), divided by the temperature, softmaxed and summed up."""
    mixed = (free + guidance * (cond - free)) / max(temperature, 1e-4)
    return mixed.softmax(-1).cumsum(-1)


@torch.no_grad()
def sample_tokens(
    model: Painter,
    tokens: torch.Tensor,
    generator: torch.Generator,
    *,
    length: int = LENGTH,
    guidance: float | None = None,
    temperature: float | None = None,
    forced: dict[int, int] | None = None,
    use_cache: bool = True,
) -> torch.Tensor:
    """Write `length` tokens one at a time, each drawn from p(z_i | z_<i, prompt).

    Guidance mixes the logits with and without the prompt, l = l_free + w (l_prompt - l_free),
    as diffusion's classifier-free guidance does. Each token is drawn by inverse CDF from one
    uniform number. `forced` pins chosen positions to chosen tokens (for the error-echo
    experiment); the uniform draws stay the same, so any change downstream is the echo of the
    forced one. With the cache, each step computes the keys and values of its one new position
    and keeps them; without it, every step recomputes them for the whole prefix (for timing).
    """
    cfg = model.config
    g = cfg.guidance if guidance is None else guidance
    temp = cfg.temperature if temperature is None else temperature
    b = len(tokens)
    start = torch.cat([model.prompt_vector(tokens, b), model.prompt_vector(None, b)])
    ids = torch.zeros((b, 0), dtype=torch.long)
    caches: list[dict[str, torch.Tensor]] = [{} for _ in model.blocks]
    x = start[:, None]
    for i in range(length):
        if use_cache:  # noqa: SIM108 (the two ways read better apart)
            logits = model.step(x, caches)
        else:
            logits = model.logits(start, torch.cat([ids, ids]))[:, -1]
        u = torch.rand((b, 1), generator=generator)  # inverse-CDF draw: one uniform per token
        cdf = guided_cdf(*logits.chunk(2), g, temp)
        z = (cdf < u).sum(-1).clamp(max=cfg.codebook - 1)
        if forced and i in forced:
            z = torch.full_like(z, forced[i])
        ids = torch.cat([ids, z[:, None]], dim=1)
        x = (model.token(torch.cat([z, z])) + model.position[0, i])[:, None]
    return ids


# --8<-- [end:sampler]


def decode_tokens(model: Painter, ids: torch.Tensor) -> np.ndarray:
    """Token ids (B, n <= 64) to images; missing tokens are shown as mid-grey patches."""
    b, n = ids.shape
    with torch.no_grad():
        full = torch.cat([ids, torch.zeros((b, LENGTH - n), dtype=torch.long)], dim=1)
        images = model.tokenizer.decode(full)
        if n < LENGTH:
            mask = torch.zeros(b, 1, GRID, GRID)
            mask.view(b, -1)[:, :n] = 1
            mask = F.interpolate(mask, scale_factor=world.SIZE // GRID, mode="nearest")
            images = images * mask
    return to_pixels(images)


def sample_images(
    model: Painter,
    prompt: str | Sequence[str],
    n: int,
    seed: int = 0,
    *,
    guidance: float | None = None,
    use_cache: bool = True,
) -> np.ndarray:
    """n pictures of a prompt (or one prompt each), (n, 32, 32, 3) uint8; same seed, same pictures."""
    world.check_count(n)
    tokens = prompt_tokens(prompt, n)  # raises world.PromptError before any network runs
    generator = torch.Generator().manual_seed(seed)
    ids = sample_tokens(model, tokens, generator, guidance=guidance, use_cache=use_cache)
    return decode_tokens(model, ids)


def network_passes(config: Config) -> int:
    """One transformer pass per token (64, each reading only its new position thanks to the
    cache), then one pass of the tokenizer's decoder."""
    return LENGTH + 1


@torch.no_grad()
def probe(model: Painter) -> dict[str, torch.Tensor]:
    """What the networks compute on fixed inputs (the checkpoint's behaviour fingerprint): the
    tokenizer's codes and rebuilds, and the transformer's next-token logits with and without the
    prompt over a fixed token grid."""
    model.eval()
    inputs = probe_inputs()
    ids, h = model.tokenizer.encode(inputs["images"])
    fixed = torch.arange(2 * LENGTH).view(2, LENGTH) * 7 % model.config.codebook
    start = torch.cat([model.prompt_vector(inputs["tokens"], 2), model.prompt_vector(None, 2)])
    logits = model.logits(start, torch.cat([fixed, fixed])[:, :-1])
    return {
        "encoder": h,
        "decoder": model.tokenizer.decode(fixed),
        "logits": logits,
        "sampler": guided_cdf(*logits.chunk(2), model.config.guidance, model.config.temperature),
    }


# --- training steps -----------------------------------------------------------------------------


@torch.no_grad()
def encode_dataset(tokenizer: Tokenizer, examples: fit.Pictures, batch: int = 512) -> torch.Tensor:
    """Every training picture as its token grid, (N, 64) int64, computed once."""
    codes = []
    for start in range(0, len(examples), batch):
        x = examples.take(torch.arange(start, min(start + batch, len(examples)))).images
        codes.append(tokenizer.encode(x)[0])
    return torch.cat(codes)


def train(
    config: Config, *, seed: int, device: torch.device, progress: bool = True, data: world.Dataset | None = None
) -> tuple[Painter, dict[str, list[float]]]:
    """First the tokenizer on pictures, then the transformer on the pictures' token grids."""
    generator = fit.seed_everything(seed)
    pictures = fit.Pictures(data or fit.training_set(), device)
    model = build(config).to(device)
    vq = model.tokenizer
    vq_opt = torch.optim.AdamW(vq.parameters(), lr=config.lr * 2, weight_decay=0.0)
    critic = PatchCritic().to(device)  # trains beside the tokenizer, then is thrown away
    critic_opt = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.9))

    def vq_step(i: int, batch: fit.Batch) -> dict[str, float]:
        loss, recon, rebuilt = vq_loss(vq, batch.images, config.edge_weight)
        contest = config.adversarial > 0 and i >= config.adversarial_start
        if contest:
            critic_loss, fool = patch_hinge_losses(critic, batch.images, rebuilt)
            loss = loss + config.adversarial * fool
        vq_opt.zero_grad(set_to_none=True)
        loss.backward()
        vq_opt.step()
        if contest:
            critic_opt.zero_grad(set_to_none=True)
            critic_loss.backward()
            critic_opt.step()
        if i % 100 == 0:  # restart dead codes at random encoder outputs, so the codebook is used
            with torch.no_grad():
                ids, h = vq.encode(batch.images)
                used = torch.bincount(ids.flatten(), minlength=config.codebook) > 0
                dead = (~used).nonzero().flatten()
                flat = h.permute(0, 2, 3, 1).reshape(-1, h.shape[1])
                pick = torch.randint(len(flat), (len(dead),), generator=generator).to(flat.device)
                vq.codebook.weight.data[dead] = flat[pick]
        return {"vq_recon": recon.item()}

    history = fit.fit(
        vq_step, pictures, steps=config.vq_steps, batch_size=config.batch, generator=generator,
        desc="autoregressive: tokenizer", progress=progress,
    )  # fmt: skip

    vq.requires_grad_(False).eval()
    codes = fit.Codes(encode_dataset(vq, pictures), pictures.tokens)
    transformer = [p for name, p in model.named_parameters() if not name.startswith("tokenizer.")]
    opt = torch.optim.AdamW(transformer, lr=config.lr, weight_decay=0.01, betas=(0.9, 0.95))
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, config.lr, total_steps=config.steps, pct_start=0.05)

    def ar_step(i: int, batch: fit.CodeBatch) -> dict[str, float]:
        loss = next_token_loss(model, batch.codes, batch.tokens, generator)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(transformer, 1.0)
        opt.step()
        schedule.step()
        return {"loss": loss.item()}

    token_history = fit.fit(
        ar_step, codes, steps=config.steps, batch_size=config.batch, generator=generator,
        desc="autoregressive: transformer", progress=progress,
    )  # fmt: skip
    history["vq_step"] = history.pop("step")
    history.update(token_history)
    return model, history
