"""The autoregressive painter: cut the picture into tokens, then write them one after another.

Two parts, trained one after the other. A VQ tokenizer (tokenizer.py: van den Oord et al.,
2017, "Neural Discrete Representation Learning") turns a 32x32 image into an 8x8 grid of
codebook tokens, each standing for a 4x4 patch. A small decoder-only transformer, as in ImageGPT (Chen et al.,
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

from painters import canvas
from painters.families import fit, registry, tokenizer
from painters.families.shared import TextEncoder, drop_prompts, guide, probe_inputs, prompt_tokens, to_pixels
from painters.families.tokenizer import GRID, LENGTH

MAX_CODEBOOK = 4096  # a bigger codebook would mostly hold codes that are never used
MIN_TEMPERATURE = 1e-4  # dividing by zero would make the draw a NaN, not the most likely token


@dataclass
class Config:
    codebook: int = 256  # K: how many different patches the tokenizer can name
    code_dim: int = 32
    vq_width: int = 48
    vq_steps: int = 2580  # with `steps`: the budget, as training/budget.py counts it (scripts/budget.py)
    edge_weight: float = 1.0  # the tokenizer also matches pixel-to-pixel differences: sharper patches
    adversarial: float = 0.1  # weight of a patch critic's verdict on the rebuilds (VQGAN): crisp, not averaged
    adversarial_start: int = 800  # tokenizer steps before the critic's verdict counts
    dim: int = 128  # transformer width
    layers: int = 4
    heads: int = 4
    drop_prompt: float = 0.1  # share of captions replaced by "no prompt", for guidance
    steps: int = 3100  # transformer steps
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


# --- the transformer ---------------------------------------------------------------------------


class Block(nn.Module):
    """Pre-norm causal self-attention and MLP, with an optional key/value cache for sampling."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.norm1, self.qkv, self.proj = nn.LayerNorm(dim), nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(
        self, x: torch.Tensor, cache: dict[str, torch.Tensor] | None = None, causal: bool | None = None
    ) -> torch.Tensor:
        """x (B, t, dim) -> (B, t, dim). `causal` defaults to masking the future whenever several
        positions come in at once; one new position may see every cached one."""
        b, t, c = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        if cache is not None:  # keep the keys and values of earlier positions instead of recomputing
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], dim=2), torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        if causal is None:
            causal = cache is None or t > 1
        y = F.scaled_dot_product_attention(q, k, v, is_causal=causal)  # (B, heads, t, c/heads)
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.mlp(self.norm2(x))


class Painter(nn.Module):
    """Tokenizer + prompt-conditioned transformer over the 64 tokens."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config
        self.tokenizer = tokenizer.Tokenizer(config.codebook, config.code_dim, config.vq_width)
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


# --8<-- [start:next_token_loss]
def next_token_loss(
    model: Painter, codes: torch.Tensor, tokens: torch.Tensor, generator: torch.Generator
) -> torch.Tensor:
    """-log p(z | prompt) = -sum_i log p(z_i | z_<i, prompt), averaged per token: cross-entropy
    of each position's prediction with the token that is really there (teacher forcing).
    Some captions are replaced by "no prompt" (drop_prompt), for guidance."""
    b = len(codes)
    share = model.config.drop_prompt
    start = drop_prompts(model.prompt_vector(tokens, b), model.prompt_vector(None, b), share, generator)
    logits = model.logits(start, codes[:, :-1])  # position i predicts z_i from z_<i
    return F.cross_entropy(logits.reshape(-1, model.config.codebook), codes.reshape(-1))


# --8<-- [end:next_token_loss]


# --- sampler ------------------------------------------------------------------------------------


# --8<-- [start:sampler]
def guided_cdf(
    cond: torch.Tensor, free: torch.Tensor, guidance: float | torch.Tensor, temperature: float | torch.Tensor
) -> torch.Tensor:
    """The cumulative next-token distribution: logits mixed with and without the prompt,
    l = l_free + w (l_prompt - l_free), divided by the temperature (at least MIN_TEMPERATURE),
    softmaxed and summed up (the sampler draws a token from it with one uniform number)."""
    if isinstance(temperature, torch.Tensor):
        temperature = temperature.clamp(min=MIN_TEMPERATURE)
    else:
        temperature = max(temperature, MIN_TEMPERATURE)
    return (guide(cond, free, guidance) / temperature).softmax(-1).cumsum(-1)


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
        cond, free = logits.chunk(2)
        cdf = guided_cdf(cond, free, g, temp)
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
            mask = F.interpolate(mask, scale_factor=canvas.SIZE // GRID, mode="nearest")
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
    canvas.check_count(n)
    tokens = prompt_tokens(prompt, n)  # raises canvas.PromptError before any network runs
    generator = torch.Generator().manual_seed(seed)
    ids = sample_tokens(model, tokens, generator, guidance=guidance, use_cache=use_cache)
    return decode_tokens(model, ids)


def phases(config: Config) -> list[registry.Phase]:
    """Training's three kinds of step, for counting its compute: the tokenizer alone, the
    tokenizer with its patch critic (from `adversarial_start` on), then the transformer."""
    alone = min(config.adversarial_start, config.vq_steps) if config.adversarial > 0 else config.vq_steps
    return [
        registry.Phase("tokenizer", "vq_steps", alone, {"adversarial_start": registry.MAX_WHOLE}),
        registry.Phase("tokenizer and critic", "vq_steps", config.vq_steps - alone, {"adversarial_start": 0}, False),
        registry.Phase("transformer", "steps", config.steps),
    ]


def network_passes(config: Config) -> int:
    """Network calls in a row per picture: the prompt read into its start vector, one transformer
    call per token (64, each reading only its new position thanks to the cache), then the
    tokenizer's decoder."""
    return 1 + LENGTH + 1


@torch.no_grad()
def probe(model: Painter) -> dict[str, torch.Tensor]:
    """What the networks compute on fixed inputs (the checkpoint's behaviour fingerprint): the
    tokenizer's codes and rebuilds, and the transformer's next-token logits with and without the
    prompt over a fixed token grid."""
    model.eval()
    inputs = probe_inputs()
    _, h = model.tokenizer.encode(inputs["images"])
    fixed = torch.arange(2 * LENGTH).view(2, LENGTH) * 7 % model.config.codebook
    start = torch.cat([model.prompt_vector(inputs["tokens"], 2), model.prompt_vector(None, 2)])
    logits = model.logits(start, torch.cat([fixed, fixed])[:, :-1])
    cond, free = logits.chunk(2)
    return {
        "encoder": h,
        "decoder": model.tokenizer.decode(fixed),
        "logits": logits,
        "sampler": guided_cdf(cond, free, model.config.guidance, model.config.temperature),
    }


# --- training steps -----------------------------------------------------------------------------


def train(
    config: Config, *, seed: int, device: torch.device, progress: bool = True, data: canvas.Dataset | None = None
) -> tuple[Painter, dict[str, list[float]]]:
    """First the tokenizer on pictures, then the transformer on the pictures' token grids."""
    generator = fit.seed_everything(seed)
    pictures = fit.Pictures(data or fit.training_set(), device)
    model = build(config).to(device)
    vq = model.tokenizer
    vq_opt = torch.optim.AdamW(vq.parameters(), lr=config.lr * 2, weight_decay=0.0)
    critic = tokenizer.PatchCritic().to(device)  # trains beside the tokenizer, then is thrown away
    critic_opt = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.9))

    def vq_step(i: int, batch: fit.Batch) -> dict[str, float]:
        loss, recon, rebuilt = tokenizer.vq_loss(vq, batch.images, config.edge_weight)
        contest = config.adversarial > 0 and i >= config.adversarial_start
        if contest:
            critic_loss, fool = tokenizer.patch_hinge_losses(critic, batch.images, rebuilt)
            loss = loss + config.adversarial * fool
        vq_opt.zero_grad(set_to_none=True)
        loss.backward()
        vq_opt.step()
        if contest:
            critic_opt.zero_grad(set_to_none=True)
            critic_loss.backward()
            critic_opt.step()
        if i % 100 == 0:  # restart dead codes at random encoder outputs, so the codebook is used
            tokenizer.restart_dead_codes(vq, batch.images, generator)
        return {"vq_recon": recon.item()}

    history = fit.fit(
        vq_step, pictures, steps=config.vq_steps, batch_size=config.batch, generator=generator,
        desc="autoregressive: tokenizer", progress=progress, model=model,
    )  # fmt: skip

    vq.requires_grad_(False).eval()
    codes = fit.Codes(tokenizer.encode_dataset(vq, pictures), pictures.tokens)
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
        desc="autoregressive: transformer", progress=progress, model=model,
    )  # fmt: skip
    history["vq_step"] = history.pop("step")
    history.update(token_history)
    return model, history
