"""The lesson's experiments on our painters: a walk through the VAE's latent space, how early
diffusion settles layout and texture, and what one wrong token does to the autoregressive
painter. Each returns numbers; claims.py turns them into verdicts, the pages into figures."""

from __future__ import annotations

import functools
from dataclasses import dataclass

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


def latent_carries(n: int = 4, seed: int = 5000) -> dict[str, object]:
    """What the VAE's few latent numbers carry, beside the prompt its decoder also reads.

    Real renders of the measured scenes are rebuilt twice: from their own latents (the encoder's
    mean), and from the prompt's average latent (the prior's mean: what the decoder paints when
    the latent says nothing of this picture). The judge reads where the object stands in each,
    against the real render; and whether each is read as its prompt. If the rebuilds stand
    where the real renders stand and the prior-mean pictures do not, the latent carries the
    layout; if both read as their prompt, the what and the colour come from the prompt.
    Per scene, so a 90% interval can be taken over scenes (half-samples, as metrics.py does)."""
    from painters.families import vae

    model, manifest = loading.load_model("vae")
    scenes = metrics.MEASURED_SCENES
    real, layouts = canvas.render_many_with_layout([s for s in scenes for _ in range(n)], seed)
    prompts = [s.prompt for s in scenes for _ in range(n)]
    rebuilt = vae.reconstruct(model, real, prompts)
    mu_p, _ = vae.prior_of(model, prompts, len(prompts))
    average = vae.decode_latents(model, mu_p, prompts)
    fields = [canvas.LAYOUT_FIELDS.index(f) for f in ("object_x", "object_base")]
    out: dict[str, object] = {"latent": int(manifest.config["latent_dim"]), "pixels": canvas.SIZE * canvas.SIZE * 3}
    for name, pictures in (("rebuilt", rebuilt), ("prior mean", average)):
        r = judge.read(pictures)
        error = np.abs(r.layout[:, fields] - layouts[:, fields]).mean(1).reshape(len(scenes), n).mean(1)
        match = [
            metrics.prompt_match(pictures[i * n : (i + 1) * n], s, metrics.scene_readings(r, i, n))["all four"]
            for i, s in enumerate(scenes)
        ]
        out[name] = {"layout_error": _with_interval(error), "prompt_match": _with_interval(np.array(match))}
    return out


def _with_interval(per_scene: np.ndarray) -> tuple[float, float, float]:
    """A per-scene mean with its 90% interval from random halves of the scenes (metrics.py's way)."""
    rng = np.random.default_rng(0)
    halves = [per_scene[rng.permutation(len(per_scene))[: len(per_scene) // 2]].mean() for _ in range(metrics.HALVES)]
    spread = metrics.INTERVAL * float(np.std(halves)) / np.sqrt(2)
    mean = float(per_scene.mean())
    return mean, mean - spread, mean + spread


#: Where the echo experiment forces a wrong token: one position in every row of the 8x8 grid.
ECHO_POSITIONS = tuple(row * 8 + 3 for row in range(8))


@dataclass(frozen=True)
class Echo:
    """What forcing one token wrong did: later tokens changed, prompt match lost (in all and per
    attribute), and what the forced patch shows in real renders of the prompt."""

    changed: float
    lost: dict[str, float]
    depicts: str


@functools.cache  # once per build: the chapter's table and the claim read the same run
def echo(positions: tuple[int, ...] = ECHO_POSITIONS, n: int = 64, seed: int = 5) -> dict[int, Echo]:
    """Force one token wrong at each position (every random draw kept the same) and measure the
    damage: per position, the share of later tokens that changed, the prompt match lost in all
    and per attribute, and what the forced patch depicts in the real renders of the prompt
    (sky, ground or object, by where it sits). Prompt match is read by the judge, 64 samples."""
    from painters.families import autoregressive

    model, _ = loading.load_model("autoregressive")
    scene = canvas.parse_prompt(canvas.SHARED_PROMPT)
    prompt = torch.tensor([canvas.encode(canvas.SHARED_PROMPT)] * n)
    free = autoregressive.sample_tokens(model, prompt, torch.Generator().manual_seed(seed))
    base = metrics.prompt_match(autoregressive.decode_tokens(model, free), scene)
    _, layouts = canvas.render_many_with_layout([scene] * n, seed)
    out: dict[int, Echo] = {}
    for position in positions:
        wrong = int((free[0, position] + model.config.codebook // 2) % model.config.codebook)
        forced = autoregressive.sample_tokens(
            model, prompt, torch.Generator().manual_seed(seed), forced={position: wrong}
        )
        changed = float((forced[:, position + 1 :] != free[:, position + 1 :]).float().mean())
        pictures = autoregressive.decode_tokens(model, forced)
        match = metrics.prompt_match(pictures, scene, judge.read(pictures))
        out[position] = Echo(changed, {k: base[k] - match[k] for k in match}, _depicts(position, layouts))
    return out


def _depicts(position: int, layouts: np.ndarray) -> str:
    """What a token's 4x4 patch shows in most real renders of the prompt: sky, ground or object."""
    row, column = divmod(position, 8)
    top, bottom = 4 * row, 4 * row + 4
    horizon = layouts[:, canvas.LAYOUT_FIELDS.index("horizon")]
    base = layouts[:, canvas.LAYOUT_FIELDS.index("object_base")]
    x = layouts[:, canvas.LAYOUT_FIELDS.index("object_x")]
    size = layouts[:, canvas.LAYOUT_FIELDS.index("object_size")]
    centre = 4 * column + 2
    on_object = (np.abs(x - centre) < 9 * size) & (bottom > base - 12 * size) & (top < base)
    if float(on_object.mean()) >= 0.5:
        return "the object"
    return "sky" if float((bottom <= horizon).mean()) >= 0.5 else "ground"
