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


# --- folders and files a hostile user makes -------------------------------------------------


def make_read_only(folder: Path, request: pytest.FixtureRequest) -> Path:
    """Make a folder one this process cannot write in, undone after the test. chmod 555 is
    enough for a user; root ignores it, so as root the folder is made immutable (chattr +i)
    too, which refuses root as a read-only disk would. Skips where neither can be done."""
    import os
    import shutil
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    request.addfinalizer(lambda: folder.chmod(0o755))
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        done = chattr and subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode == 0
        if not done:
            pytest.skip("root ignores chmod, and chattr +i is not available here")
        request.addfinalizer(lambda: subprocess.run([chattr, "-i", str(folder)], check=True))
    return folder


def on_a_full_disk(monkeypatch: pytest.MonkeyPatch, folder: Path, free: int = 1 << 20) -> None:
    """Every folder at or under `folder` reports `free` bytes free (a full disk, without filling one)."""
    from painters.core import folders

    real = folders.free_bytes
    inside = folder.resolve()

    def free_bytes(path: Path) -> int:
        here = path.resolve()
        return free if here == inside or inside in here.parents else real(path)

    monkeypatch.setattr(folders, "free_bytes", free_bytes)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def text_bomb_png(path: Path, chunks: int = 1, each: int = 100 << 20) -> None:
    """A 32x32 PNG with `chunks` zTXt chunks, each `each` bytes of zeros once decompressed (a
    decompression bomb in its text: ~100 kB on disk for 100 MB)."""
    import io
    import zlib

    import numpy as np
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(buffer, format="PNG")
    data = buffer.getvalue()
    bomb = _zeros_compressed(each)
    text = b"".join(_png_chunk(b"zTXt", b"Comment%d\0\0" % i + bomb) for i in range(chunks))
    end = data.rindex(b"IEND") - 4
    path.write_bytes(data[:end] + text + data[end:])
    assert zlib.decompress(bomb)[:1] == b"\0"


_ZEROS: dict[int, bytes] = {}


def _zeros_compressed(n: int) -> bytes:
    import zlib

    if n not in _ZEROS:
        _ZEROS[n] = zlib.compress(b"\0" * n, 9)
    return _ZEROS[n]


def nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def set_weights(folder: Path, name: str, value: float) -> None:
    """Every float weight of a checkpoint set to `value` (NaN, or a huge finite number), the
    manifest's sha256 updated to match: a checkpoint whole on disk, and wrong."""
    import json

    from safetensors.torch import load_file, save_file

    from painters.checkpoints import store

    path = folder / f"{name}.safetensors"
    weights = load_file(str(path))
    weights = {k: torch.full_like(v, value) if v.is_floating_point() else v for k, v in weights.items()}
    save_file(weights, str(path), metadata={"name": name, "family": registry.family_of(name)})
    manifest = folder / f"{name}.json"
    data = json.loads(manifest.read_text())
    data["weights_sha256"] = store.file_sha256(path)
    manifest.write_text(json.dumps(data))
