"""What each painter runs in the reader's browser: the graphs its sampler calls, as torch modules
with example inputs, ready for ONNX export (export.py), and the settings its JavaScript sampler
reads (docs/assets/painter/samplers.js).

- gan: `generator` (z, tokens) -> image, the averaged generator the Python sampler uses.
- vae: `prior` tokens -> (text, mu, sigma) and `decoder` (z, text) -> image. The prompt vector
  is an output, so the latent walk re-runs the decoder alone.
- diffusion: `denoiser` (x, t, tokens, guidance) -> guided v: one call per DDIM step, the
  prompt and no-prompt pair in one batch of two, mixed by diffusion.guided_pair itself.
- autoregressive: `prompt` tokens -> the two start vectors (prompt, no prompt); `step`, one
  cached decoding step: the start vectors or the previous token, the KV cache of every layer in
  (length P, P = 0 at the first step) and out (P + 1), and the inverse-CDF table of the guided,
  tempered next-token distribution out (autoregressive.guided_cdf, computed in float32 as torch
  computes it, so a uniform draw picks the same token in the browser as in Python); `decoder`
  (ids, mask) -> image, the tokenizer's decoder, masked as autoregressive.decode_tokens masks the
  tokens not written yet.
- judge (not a painter: it reads every painter's pictures in the page): `judge` pixels (1, 32,
  32, 3) uint8, as the canvas holds them -> the probabilities of each attribute's values (the
  object's with "none" last), and of "a scene at all", exactly what painters.measure.judge.read
  computes from the same pixels.

Batch 1 and static shapes (except the KV cache's length): the widget paints one picture per
painter, and static shapes let onnxruntime plan its memory once. Every graph wraps the
families' own modules and functions, never a re-implementation: tests/test_export.py compares
each graph in onnxruntime with the family's own functions. A family without a builder here is
not painted in the browser (export.py says so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from painters import canvas
from painters.families import autoregressive, diffusion


@dataclass
class Graph:
    """One ONNX file: a module, example inputs (in the module's argument order), output names."""

    name: str
    module: nn.Module
    inputs: dict[str, torch.Tensor]
    outputs: tuple[str, ...]
    dynamic_axes: dict[str, dict[int, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Builder:
    """A family's graphs, and the settings its JavaScript sampler reads from the manifest."""

    graphs: Callable[[Any], list[Graph]]
    settings: Callable[[Any], dict[str, Any]]


def _tokens() -> torch.Tensor:
    return torch.tensor([canvas.encode(canvas.SHARED_PROMPT)], dtype=torch.long)


def _scalar(value: float) -> torch.Tensor:
    return torch.tensor([value], dtype=torch.float32)


# GAN ------------------------------------------------------------------------------------------


def _gan_graphs(model: Any) -> list[Graph]:
    g = model.generator_ema
    return [Graph("generator", g, {"z": torch.randn(1, g.z_dim), "tokens": _tokens()}, ("image",))]


def _gan_settings(model: Any) -> dict[str, Any]:
    return {"z_dim": model.config.z_dim}


# VAE ------------------------------------------------------------------------------------------


class VaePrior(nn.Module):
    """tokens -> (prompt vector, mu_p, sigma_p), as vae.prior_of computes them."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.text, self.prior = model.text, model.prior

    def forward(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        text = self.text(tokens)
        mu_p, logvar_p = self.prior(text)
        return text, mu_p, (0.5 * logvar_p).exp()


def _vae_graphs(model: Any) -> list[Graph]:
    c = model.config
    return [
        Graph("prior", VaePrior(model), {"tokens": _tokens()}, ("text", "mu", "sigma")),
        Graph(
            "decoder",
            model.decoder,
            {"z": torch.randn(1, c.latent_dim), "text": torch.randn(1, c.text_dim)},
            ("image",),
        ),
    ]


def _vae_settings(model: Any) -> dict[str, Any]:
    return {"latent_dim": model.config.latent_dim}


# Diffusion ------------------------------------------------------------------------------------


class GuidedDenoiser(nn.Module):
    """(x_t, t, tokens, guidance) -> guided v: diffusion.guided_pair on the sampling copy."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.net = model.ema

    def forward(self, x: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor, guidance: torch.Tensor) -> torch.Tensor:
        return diffusion.guided_pair(self.net, x, t, tokens, guidance)


def _diffusion_graphs(model: Any) -> list[Graph]:
    inputs = {
        "x": torch.randn(1, 3, canvas.SIZE, canvas.SIZE),
        "t": torch.tensor([500.0]),
        "tokens": _tokens(),
        "guidance": _scalar(model.config.guidance),
    }
    return [Graph("denoiser", GuidedDenoiser(model), inputs, ("v",))]


def _diffusion_settings(model: Any) -> dict[str, Any]:
    c = model.config
    return {
        "timesteps": c.timesteps,
        "sample_steps": c.sample_steps,
        "guidance": c.guidance,
        "schedule": "cosine",
        "s": diffusion.SCHEDULE_OFFSET,
        "min": diffusion.ALPHA_BAR_MIN,
        "max": 1.0,
    }


# Autoregressive -------------------------------------------------------------------------------


class ArPrompt(nn.Module):
    """tokens -> the start vectors (2, dim): the prompt read into one vector, and "no prompt"."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.model.prompt_vector(tokens, 1), self.model.prompt_vector(None, 1)])


class ArStep(nn.Module):
    """One cached decoding step of autoregressive.sample_tokens, for the pair (prompt, no prompt).

    In: the start vectors, `first` (1 at the first step: the new position is the start vector;
    0 after: it is the previous token `prev` at position `pos`), guidance, temperature, and the
    keys and values of every layer for the P positions so far (2, heads, P, head_dim). Out: the
    cumulative distribution of the next token (1, K), and the caches grown to P + 1."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(
        self,
        start: torch.Tensor,
        first: torch.Tensor,
        prev: torch.Tensor,
        pos: torch.Tensor,
        guidance: torch.Tensor,
        temperature: torch.Tensor,
        *past: torch.Tensor,
    ) -> tuple[torch.Tensor, ...]:
        m = self.model
        token = m.token(torch.cat([prev, prev])) + m.position[0].index_select(0, pos)  # (2, dim)
        x = (first * start + (1 - first) * token)[:, None]  # exactly one of the two: 0 * finite = 0
        present: list[torch.Tensor] = []
        for i, block in enumerate(m.blocks):
            cache = {"k": past[2 * i], "v": past[2 * i + 1]}
            x = block(x, cache, causal=False)  # one new position sees every cached one
            present += [cache["k"], cache["v"]]
        cond, free = m.head(m.norm(x[:, -1])).chunk(2)
        return (autoregressive.guided_cdf(cond, free, guidance, temperature), *present)


class ArDecoder(nn.Module):
    """(ids (1, 64), mask (1, 64)) -> image: the tokenizer's decoder, blank where mask is 0."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.tokenizer = model.tokenizer

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        images = self.tokenizer.decode(ids)
        grid = autoregressive.GRID
        m = F.interpolate(mask.view(-1, 1, grid, grid), scale_factor=float(canvas.SIZE // grid), mode="nearest")
        return images * m


def _ar_cache_names(model: Any, kind: str) -> list[str]:
    return [f"{kind}_{key}{i}" for i in range(len(model.blocks)) for key in ("k", "v")]


def _ar_graphs(model: Any) -> list[Graph]:
    c = model.config
    head = c.dim // c.heads
    past = {name: torch.randn(2, c.heads, 3, head) for name in _ar_cache_names(model, "past")}
    step_inputs = {
        "start": torch.randn(2, c.dim),
        "first": _scalar(0.0),
        "prev": torch.tensor([1], dtype=torch.long),
        "pos": torch.tensor([2], dtype=torch.long),
        "guidance": _scalar(c.guidance),
        "temperature": _scalar(c.temperature),
        **past,
    }
    presents = tuple(_ar_cache_names(model, "present"))
    axes = {name: {2: "past"} for name in past} | {name: {2: "present"} for name in presents}
    ids = torch.randint(c.codebook, (1, autoregressive.LENGTH))
    return [
        Graph("prompt", ArPrompt(model), {"tokens": _tokens()}, ("start",)),
        Graph("step", ArStep(model), step_inputs, ("cdf", *presents), axes),
        Graph("decoder", ArDecoder(model), {"ids": ids, "mask": torch.ones(1, autoregressive.LENGTH)}, ("image",)),
    ]


def _ar_settings(model: Any) -> dict[str, Any]:
    c = model.config
    return {
        "codebook": c.codebook,
        "length": autoregressive.LENGTH,
        "grid": autoregressive.GRID,
        "layers": c.layers,
        "heads": c.heads,
        "dim": c.dim,
        "head_dim": c.dim // c.heads,
        "guidance": c.guidance,
        "temperature": c.temperature,
    }


# Judge ----------------------------------------------------------------------------------------


class JudgeReader(nn.Module):
    """pixels (1, 32, 32, 3) uint8 -> per attribute its values' probabilities, and the scene's
    (p(not a scene), p(a scene)): judge.read's to_tensor, features, heads and softmax."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, ...]:
        x = pixels.permute(0, 3, 1, 2).float() / 127.5 - 1.0
        h = self.model.features(x)
        heads = [self.model.heads[name](h).softmax(-1) for name in canvas.ATTRIBUTES]
        return (*heads, self.model.scene(h).softmax(-1))


def _judge_graphs(model: Any) -> list[Graph]:
    pixels = torch.zeros(1, canvas.SIZE, canvas.SIZE, 3, dtype=torch.uint8)
    return [Graph("judge", JudgeReader(model), {"pixels": pixels}, (*canvas.ATTRIBUTES, "scene"))]


def _judge_settings(model: Any) -> dict[str, Any]:
    """The value each output's entries stand for, in order (the object's last one: no object)."""
    labels = {name: list(values) for name, values in canvas.ATTRIBUTES.items()}
    labels["object"].append("none")
    return {"labels": labels}


BUILDERS: dict[str, Builder] = {
    "gan": Builder(_gan_graphs, _gan_settings),
    "vae": Builder(_vae_graphs, _vae_settings),
    "diffusion": Builder(_diffusion_graphs, _diffusion_settings),
    "autoregressive": Builder(_ar_graphs, _ar_settings),
    "judge": Builder(_judge_graphs, _judge_settings),
}


def graphs_of(family: str, model: nn.Module) -> list[Graph]:
    """The graphs of a family's model (ValueError for a family without a builder)."""
    if family not in BUILDERS:
        raise ValueError(f"no ONNX export for family {family!r}; exported families: {', '.join(BUILDERS)}")
    return BUILDERS[family].graphs(model)
