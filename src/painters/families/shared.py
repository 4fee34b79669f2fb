"""The few pieces the painters and the judge share, written once.

Each family file (gan.py, vae.py, diffusion.py, autoregressive.py) is readable on its own; what
lives here is only what several of them need in the same form: reading a prompt's tokens into a
vector (and a prompt into its token ids), moving between pixels in [0, 255] and tensors in
[-1, 1], classifier-free guidance (dropping prompts in training, mixing the two predictions when
sampling), and the fixed inputs a checkpoint's behaviour fingerprint is taken on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from painters.canvas import MAX_WORDS, SHARED_PROMPT, VOCAB, encode


class TextEncoder(nn.Module):
    """Token ids (B, L) to one prompt vector (B, dim): embeddings, one attention layer, a pool.

    Attention lets "red" know it sits next to "bicycle"; the masked mean ignores padding.
    """

    def __init__(self, dim: int, heads: int = 4) -> None:
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), dim, padding_idx=0)
        self.position = nn.Parameter(torch.zeros(1, MAX_WORDS, dim))
        self.layer = nn.TransformerEncoderLayer(
            dim, heads, dim_feedforward=2 * dim, dropout=0.0, batch_first=True, norm_first=True
        )
        self.out = nn.LayerNorm(dim)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        pad = tokens == 0  # (B, L)
        h = self.embed(tokens) + self.position[:, : tokens.shape[1]]  # (B, L, dim)
        h = self.layer(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(h.dtype)
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)  # (B, dim)
        return self.out(pooled)


def prompt_tokens(prompts: str | Sequence[str], n: int) -> torch.Tensor:
    """Token ids (n, MAX_WORDS) for one prompt repeated n times, or for one prompt per picture.

    Raises world.PromptError for a prompt the world cannot read, before any network runs.
    """
    if isinstance(prompts, str):
        prompts = [prompts] * n
    if len(prompts) != n:
        raise ValueError(f"{len(prompts)} prompts for {n} pictures: give one, or one per picture")
    return torch.tensor([encode(p) for p in prompts], dtype=torch.long).view(n, MAX_WORDS)


def probe_inputs(latent: int = 8) -> dict[str, torch.Tensor]:
    """Fixed inputs for a checkpoint's behaviour fingerprint (each family's `probe`): two prompts'
    token ids, two pictures' worth of noise in [-1, 1] (a smooth one and a rough one), and
    latent noise (2, latent). Drawn from a fixed seed, the same on every machine."""
    g = torch.Generator().manual_seed(20_261_206)
    rough = torch.rand((1, 3, 32, 32), generator=g) * 2 - 1
    smooth = torch.nn.functional.interpolate(torch.rand((1, 3, 4, 4), generator=g) * 2 - 1, size=32, mode="bilinear")
    tokens = torch.tensor([encode(p) for p in (SHARED_PROMPT, "blue boat, snow, night")])
    return {
        "tokens": tokens,
        "images": torch.cat([smooth, rough]).contiguous(memory_format=torch.channels_last),
        "z": torch.randn((2, latent), generator=g),
        "noise": torch.randn((2, 3, 32, 32), generator=g),
    }


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """(N, 32, 32, 3) uint8 pixels to (N, 3, 32, 32) floats in [-1, 1]."""
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"expected (N, H, W, 3) uint8 images, got {images.dtype} {images.shape}")
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float()
    return x / 127.5 - 1.0


def to_pixels(x: torch.Tensor) -> np.ndarray:
    """(N, 3, H, W) floats in [-1, 1] to (N, H, W, 3) uint8 pixels, clipping what overshoots."""
    x = ((x.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round()
    return x.permute(0, 2, 3, 1).to(torch.uint8).numpy()


# --- classifier-free guidance (Ho & Salimans, 2022): the diffusion and autoregressive painters ----


def drop_prompts(
    with_prompt: torch.Tensor, without: torch.Tensor, share: float, generator: torch.Generator
) -> torch.Tensor:
    """Training: replace about `share` of the rows of prompt vectors (B, D) by the "no prompt"
    vector, so one network also learns what to predict when it is told nothing."""
    drop = (torch.rand(len(with_prompt), generator=generator) < share).to(with_prompt.device)
    return torch.where(drop[:, None], without, with_prompt)


def guide(with_prompt: torch.Tensor, without: torch.Tensor, guidance: float | torch.Tensor) -> torch.Tensor:
    """Sampling: push the prediction away from the prompt-free one, free + w (prompted - free);
    w = 1 is the prompted prediction itself, w > 1 follows the prompt harder."""
    return without + guidance * (with_prompt - without)
