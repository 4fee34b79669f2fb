"""The autoregressive painter's tokenizer: a VQ-VAE that cuts a picture into 64 tokens and back.

van den Oord et al., 2017 ("Neural Discrete Representation Learning"), with the two habits
that make its rebuilds crisp at this size: matching pixel-to-pixel differences, and a small
patch critic (VQGAN, Esser et al., 2021). Chapter: docs/autoregressive.md. The transformer that
writes the tokens is autoregressive.py.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from painters.families import fit

GRID = 8  # tokens per side: 8x8 = 64 tokens, each a 4x4 patch
LENGTH = GRID * GRID


class Tokenizer(nn.Module):
    """A VQ-VAE: 32x32 image to an 8x8 grid of codebook indices, and back."""

    def __init__(self, codebook: int, code_dim: int, width: int) -> None:
        super().__init__()
        w, d = width, code_dim
        self.encoder = nn.Sequential(
            nn.PixelUnshuffle(2), nn.Conv2d(12, w, 3, padding=1), nn.GELU(),  # (B, w, 16, 16)
            nn.Conv2d(w, 2 * w, 4, stride=2, padding=1), nn.GELU(),  # (B, 2w, 8, 8)
            nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.GELU(),
            nn.Conv2d(2 * w, d, 1),
        )  # fmt: skip
        self.codebook = nn.Embedding(codebook, d)
        self.codebook.weight.data.uniform_(-1 / codebook, 1 / codebook)
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


@torch.no_grad()
def restart_dead_codes(tokenizer: Tokenizer, x: torch.Tensor, generator: torch.Generator) -> None:
    """Move every code no picture of the batch uses to a random encoder output of the batch, so
    the whole codebook gets used (a dead code never moves, since no gradient reaches it)."""
    ids, h = tokenizer.encode(x)
    used = torch.bincount(ids.flatten(), minlength=tokenizer.codebook.num_embeddings) > 0
    dead = (~used).nonzero().flatten()
    flat = h.permute(0, 2, 3, 1).reshape(-1, h.shape[1])
    pick = torch.randint(len(flat), (len(dead),), generator=generator).to(flat.device)
    tokenizer.codebook.weight.data[dead] = flat[pick]


@torch.no_grad()
def encode_dataset(tokenizer: Tokenizer, examples: fit.Pictures, batch: int = 512) -> torch.Tensor:
    """Every training picture as its token grid, (N, 64) int64, computed once."""
    codes = []
    for start in range(0, len(examples), batch):
        x = examples.take(torch.arange(start, min(start + batch, len(examples)))).images
        codes.append(tokenizer.encode(x)[0])
    return torch.cat(codes)
