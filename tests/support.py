"""Helpers the unit tests share: the prompts and device the family tests use, a fake fifth
family, and a counter of network passes."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import torch

from painters import canvas
from painters.families import registry

CPU = torch.device("cpu")
PROMPT = canvas.SHARED_PROMPT
OTHER = "a blue boat in the snow at night"
PROMPTS = (PROMPT, OTHER, "green tree, meadow, noon")  # what the export tests paint in torch and in the browser


def tokens_of(*prompts: str) -> torch.Tensor:
    """The prompts as the painters read them: one row of word ids each."""
    return torch.tensor([canvas.encode(p) for p in prompts])


# A fifth painting family, as small as the contract allows: it paints every picture one flat
# colour (read from the prompt) plus seeded grain. tests/test_registry.py watches the registry,
# the store, the CLI and the measurements pick it up without any change to their code.
FAKE_FAMILY = '''
"""A fake painter for the tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from painters import canvas as world
from painters.families import fit
from painters.families.shared import prompt_tokens, to_pixels


@dataclass
class Config:
    width: int = 4
    steps: int = 4
    batch: int = 8
    lr: float = 0.5
    passes: int = 7

    @classmethod
    def tiny(cls) -> Config:
        return cls(steps=2)


class Model(nn.Module):
    def __init__(self, config: Config) -> None:
        super().__init__()
        self.embed = nn.Embedding(len(world.VOCAB), config.width)
        self.out = nn.Linear(config.width, 3)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.out(self.embed(tokens).mean(1)))  # (B, 3): one colour per picture


def build(config: Config) -> Model:
    return Model(config)


def train(config, *, seed, device, progress=True, data=None):
    generator = fit.seed_everything(seed)
    data = data or world.make_dataset(32, seed)
    model = build(config).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)

    def step(i: int, batch: fit.Batch) -> dict[str, float]:
        loss = ((model(batch.tokens) - batch.images.mean((2, 3))) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return {"loss": loss.item()}

    history = fit.fit(step, fit.Pictures(data, device), steps=config.steps, batch_size=config.batch,
                      generator=generator, desc="fake", progress=progress)
    return model, history


CALLS = []  # (prompt, n, seed, options) of every sample_images call


@torch.no_grad()
def sample_images(
    model: Model, prompt: str | Sequence[str], n: int, seed: int = 0, *, brightness: float = 0.0
) -> np.ndarray:
    CALLS.append((prompt, n, seed, {"brightness": brightness}))
    world.check_count(n)
    colour = model(prompt_tokens(prompt, n))[:, :, None, None]
    grain = 0.1 * torch.randn((n, 3, world.SIZE, world.SIZE), generator=torch.Generator().manual_seed(seed))
    return to_pixels(colour + grain + brightness)


def network_passes(config: Config) -> int:
    return config.passes


@torch.no_grad()
def probe(model: Model) -> dict[str, torch.Tensor]:
    return {"colour": model(torch.tensor([world.encode(world.SHARED_PROMPT)]))}
'''


def install_family(
    monkeypatch: pytest.MonkeyPatch, folder: Path, name: str, source: str, *, paints: bool = True
) -> ModuleType:
    """Make `source` the module painters.families.<name> and register it as a family (a file of
    the test's own folder: a checkpoint is keyed by behaviour, not by where its code lives)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    module_name = f"painters.families.{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, module_name, module)
    spec.loader.exec_module(module)
    monkeypatch.setitem(registry.FAMILIES, name, registry.Family(name, name.title(), "#123456", paints=paints))
    return module


def forward_calls(module: torch.nn.Module) -> list[int]:
    """A counter of a module's forward calls from now on (a one-element list its hook bumps)."""
    count = [0]

    def bump(*args: object) -> None:
        count[0] += 1

    module.register_forward_hook(bump)
    return count
