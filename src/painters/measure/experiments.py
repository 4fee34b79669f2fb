"""The lesson's experiments on our painters: a walk through the VAE's latent space, how early
diffusion settles layout and texture, and what one wrong token does to the autoregressive
painter. Each returns numbers; claims.py turns them into verdicts, the pages into figures."""

from __future__ import annotations

import numpy as np
import torch

from painters import canvas
from painters.checkpoints import loading
from painters.measure import judge, metrics


def walk(steps: int = 9, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """The VAE's latent walk between the rebuilds of two real renders of the shared prompt whose
    objects stand far apart: the pictures along it, and the judge's layouts of them."""
    from painters.families import vae

    model, _ = loading.load_model("vae")
    real, layouts = canvas.render_many_with_layout([canvas.parse_prompt(canvas.SHARED_PROMPT)] * 32, seed)
    x = layouts[:, canvas.LAYOUT_FIELDS.index("object_x")]
    ends = real[[int(np.argmin(x)), int(np.argmax(x))]]
    mu, _ = vae.encode_images(model, ends, canvas.SHARED_PROMPT)
    pictures = vae.interpolate(model, canvas.SHARED_PROMPT, mu[0], mu[1], steps)
    return pictures, judge.read(pictures).layout


def settling(n: int = 64, steps: int = 10, seed: int = 0) -> tuple[list[int], list[float], list[float]]:
    """How much of the final picture's layout and texture each step's predicted x0 already has.

    Layout is the picture blurred to 4x4 blocks; texture is what the blur removes. For each step:
    1 - (distance of that part from its final value) / (distance at the first step).
    """
    from painters.families import diffusion

    model, _ = loading.load_model("diffusion")
    tokens = torch.tensor([canvas.encode(canvas.SHARED_PROMPT)] * n)
    path = diffusion.ddim_trajectory(
        model, tokens, steps=steps, guidance=model.config.guidance, generator=torch.Generator().manual_seed(seed)
    )
    x0s = torch.stack([x0 for _, _, x0 in path[:-1]] + [path[-1][1].clamp(-1, 1)])  # (steps + 1, n, 3, 32, 32)
    low = torch.nn.functional.avg_pool2d(x0s.flatten(0, 1), 8).view(len(x0s), n, -1)
    high = (x0s.flatten(0, 1) - torch.nn.functional.interpolate(
        torch.nn.functional.avg_pool2d(x0s.flatten(0, 1), 8), scale_factor=8.0)).view(len(x0s), n, -1)  # fmt: skip

    def share(part: torch.Tensor) -> list[float]:
        gap = (part - part[-1]).norm(dim=-1).mean(-1)  # (steps + 1,)
        return [float(1 - g / gap[0]) for g in gap]

    return [t for t, _, _ in path], share(low), share(high)


def echo(positions: tuple[int, ...] = (4, 56), n: int = 64, seed: int = 5) -> dict[int, tuple[float, float]]:
    """Force one token wrong at each position (every random draw kept the same) and measure the
    damage: {position: (share of later tokens changed, prompt match lost)}."""
    from painters.families import autoregressive

    model, _ = loading.load_model("autoregressive")
    scene = canvas.parse_prompt(canvas.SHARED_PROMPT)
    prompt = torch.tensor([canvas.encode(canvas.SHARED_PROMPT)] * n)
    free = autoregressive.sample_tokens(model, prompt, torch.Generator().manual_seed(seed))
    base = metrics.prompt_match(autoregressive.decode_tokens(model, free), scene)["all four"]
    out = {}
    for position in positions:
        wrong = int((free[0, position] + model.config.codebook // 2) % model.config.codebook)
        forced = autoregressive.sample_tokens(
            model, prompt, torch.Generator().manual_seed(seed), forced={position: wrong}
        )
        changed = float((forced[:, position + 1 :] != free[:, position + 1 :]).float().mean())
        pictures = autoregressive.decode_tokens(model, forced)
        out[position] = (changed, base - metrics.prompt_match(pictures, scene, judge.read(pictures))["all four"])
    return out
