"""The families: one registry, and the contract every family module keeps.

A family is one file in this package (`gan.py`, `vae.py`, ...) that keeps the contract below,
and one entry in FAMILIES. Everything else reads the registry: the command line (which painters
there are), the store's staleness check (which files a checkpoint's hash covers) and its
retrain hints, the figures' colours, the comparison page, the benchmark and the browser export.
A fifth family is a fifth file and a fifth entry; tests/test_registry.py registers a tiny fake
one and watches the CLI, the store and the measurements pick it up.

The judge is trained and checkpointed like a family (it keeps the first half of the contract:
Config, build, train) but does not paint.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, cast

import numpy as np
import torch
from torch import nn

from painters import store, world


class Trainable(Protocol):
    """What the judge and every painter's module define, in this order in the file."""

    # Config: a dataclass; Config() is the committed configuration and Config.tiny() a
    # few-second one for tests. (A Protocol cannot declare a nested class, so it is checked by name.)

    def build(self, config: Any) -> nn.Module:
        """The networks for a config, untrained."""
        ...

    def train(
        self, config: Any, *, seed: int, device: torch.device, progress: bool = True, data: world.Dataset | None = None
    ) -> tuple[nn.Module, dict[str, list[float]]]:
        """Train from scratch (on `data`, or the shared training set); the model and its loss history."""
        ...


class Painter(Trainable, Protocol):
    """What a painting family's module defines besides: its sampler and its cost."""

    def sample_images(self, model: Any, prompt: str | Sequence[str], n: int, seed: int = 0) -> np.ndarray:
        """n pictures of a prompt, (n, 32, 32, 3) uint8; the same seed gives the same pictures."""
        ...

    def network_passes(self, config: Any) -> int:
        """How many network passes in a row one picture costs (fixed by the config, unlike a time)."""
        ...


@dataclass(frozen=True)
class Family:
    """One registry entry."""

    name: str  # the module painters.<name> and the default checkpoint name
    label: str  # as the lesson writes it
    colour: str  # the family's colour on every figure
    paints: bool = True  # False for the judge


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family("gan", "GAN", "#d97706"),
        Family("vae", "VAE", "#7c3aed"),
        Family("diffusion", "Diffusion", "#0891b2"),
        Family("autoregressive", "Autoregressive", "#db2777"),
        Family("judge", "Judge", "#6b7280", paints=False),
    )
}

#: The committed checkpoints (name, family, config overrides), in training order.
CHECKPOINTS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("judge", "judge", {}),
    ("diffusion", "diffusion", {}),
    ("gan", "gan", {}),
    ("autoregressive", "autoregressive", {}),
    ("vae", "vae", {}),
    # the beta sweep on the VAE page: the same VAE with the KL term weighted 0.1, 1 and 4
    ("vae-beta0.1", "vae", {"beta": 0.1, "steps": 1500}),
    ("vae-beta1", "vae", {"beta": 1.0, "steps": 1500}),
    ("vae-beta4", "vae", {"beta": 4.0, "steps": 1500}),
)


def painters() -> tuple[str, ...]:
    """The painting families, in the registry's order."""
    return tuple(name for name, family in FAMILIES.items() if family.paints)


def get(name: str) -> Family:
    """A registry entry, or ValueError listing the known ones."""
    if name not in FAMILIES:
        raise ValueError(f"unknown family {name!r}; choose one of: {', '.join(FAMILIES)}")
    return FAMILIES[name]


def module(name: str) -> ModuleType:
    """The module of a family, checked against the contract (TypeError naming what is missing)."""
    family = get(name)
    mod = importlib.import_module(f"painters.{family.name}")
    needed = ["Config", "build", "train", "probe"] + (["sample_images", "network_passes"] if family.paints else [])
    missing = [attr for attr in needed if not callable(getattr(mod, attr, None))]
    if not callable(getattr(getattr(mod, "Config", None), "tiny", None)):
        missing.append("Config.tiny")
    if missing:
        raise TypeError(f"painters.{name} does not keep the family contract: missing {missing}")
    return mod


def painter(name: str) -> Painter:
    """A painting family's module (ValueError for the judge or an unknown name)."""
    if not get(name).paints:
        raise ValueError(f"{name!r} does not paint; choose one of: {', '.join(painters())}")
    return cast(Painter, module(name))


def family_of(checkpoint: str) -> str:
    """The family a checkpoint name belongs to: 'vae-beta4' -> 'vae'."""
    return store.check_name(checkpoint).split("-")[0]


def config_of(family: str, values: dict[str, Any]) -> Any:
    """A family's Config from saved or given values (ValueError naming an unknown or mistyped key)."""
    config_class = module(family).Config
    defaults = dataclasses.asdict(config_class())
    unknown = sorted(set(values) - set(defaults))
    if unknown:
        raise ValueError(f"{family} has no setting {', '.join(unknown)}; its settings: {', '.join(defaults)}")
    return config_class(**{key: _typed(family, key, value, defaults[key]) for key, value in values.items()})


def _typed(family: str, key: str, value: Any, default: Any) -> Any:
    """A setting's value in its default's type (an int for a float, a list for a tuple)."""
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(value, bool) and isinstance(default, bool)
    elif isinstance(default, float):
        ok, value = isinstance(value, int | float), float(value) if isinstance(value, int | float) else value
    elif isinstance(default, tuple):
        ok, value = isinstance(value, list | tuple), tuple(value) if isinstance(value, list | tuple) else value
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ValueError(f"{family} setting {key}={value!r}: expected a {type(default).__name__}, like {default!r}")
    return value


def retrain_command(name: str, manifest: store.Manifest | None = None) -> str:
    """The command that rebuilds a checkpoint: for a committed one, with its committed settings
    (CHECKPOINTS); for another, with --set for every value in its manifest that differs from the
    family's defaults."""
    family = family_of(name)
    command = f"python -m painters train {family}" + (f" --name {name}" if name != family else "")
    committed = {n: overrides for n, _, overrides in CHECKPOINTS}
    overrides = dict(committed.get(name, {}))
    if name not in committed and manifest is not None and family in FAMILIES:
        defaults = json.loads(json.dumps(dataclasses.asdict(module(family).Config())))
        overrides = {k: v for k, v in manifest.config.items() if defaults.get(k) != v}
    return command + "".join(f" --set {k}={json.dumps(v)}" for k, v in sorted(overrides.items()))


def load_model(name: str, directory: Path | None = None) -> tuple[Any, store.Manifest]:
    """Rebuild a model from its checked checkpoint, ready to sample (eval mode, CPU).

    Refused with a CheckpointError naming the fix: a missing, corrupt, pickled or stale
    checkpoint, one whose manifest names another family than its name, and weights whose keys or
    shapes are not the model's.
    """
    store.note_use(name)
    return _load_model(name, directory, _stamp(name, directory))


def _stamp(name: str, directory: Path | None) -> tuple[int, ...]:
    """When the checkpoint's files last changed: a changed file is loaded (and checked) afresh."""
    folder = directory or store.CHECKPOINTS
    stamps: list[int] = []
    for suffix in (".json", ".safetensors"):
        path = folder / f"{store.check_name(name)}{suffix}"
        stamps += [path.stat().st_mtime_ns, path.stat().st_size] if path.exists() else [0, 0]
    return tuple(stamps)


@functools.lru_cache(maxsize=32)
def _load_model(name: str, directory: Path | None, _stamp: tuple[int, ...]) -> tuple[Any, store.Manifest]:
    family = family_of(name)
    if family not in FAMILIES:
        raise store.CheckpointError(
            f"checkpoint {name!r} belongs to no family (known: {', '.join(FAMILIES)}); name it after its family"
        )

    def fix(manifest: store.Manifest | None) -> str:
        return f"run `{retrain_command(name, manifest)}`"

    weights, manifest = store.load_checkpoint(name, directory, fix=fix)
    if manifest.family != family:
        raise store.CheckpointError(
            f"checkpoint {name!r} holds a {manifest.family!r} model, not a {family!r} one; {fix(None)}"
        )
    try:
        model = module(family).build(config_of(family, manifest.config))
        model.load_state_dict(weights)
    except (ValueError, TypeError, RuntimeError) as error:
        # torch's first line only says "Error(s) in loading state_dict for X:"; the next one says which
        lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
        detail = " ".join(lines[:2])[:300]
        raise store.CheckpointError(f"checkpoint {name!r} does not fit its model ({detail}); {fix(manifest)}") from None
    model.eval()
    problem = behaviour_problem(family, model, manifest)
    if problem:
        raise store.CheckpointError(f"checkpoint {name!r} is stale: {problem}; {fix(manifest)}")
    return model, manifest


def behaviour_problem(family: str, model: Any, manifest: store.Manifest) -> str:
    """'' when the model computes now what it computed when it was trained (its fingerprint),
    else what changed: the code that defines a network or its sampler, not where the code lives."""
    outputs = module(family).probe(model)
    broken = sorted(k for k, v in outputs.items() if not bool(torch.isfinite(v).all()))
    if broken:
        return f"its networks compute numbers that are not finite (NaN or infinity in {', '.join(broken)})"
    difference = store.fingerprint_problem(manifest.fingerprint, store.fingerprint(outputs))
    return f"what it computes changed since it was trained ({difference})" if difference else ""


def sampler_code(family: str) -> str:
    """A hash of the code a family paints with (its module and the blocks it shares): the key of
    cached pictures. A checkpoint itself is not keyed by code, only by what it computes."""
    folder = Path(__file__).resolve().parent
    return store.code_hash([Path(module(family).__file__ or ""), folder / "nn.py", folder / "world.py"])


def behaviour_digest(manifest: store.Manifest) -> str:
    """A short digest of a checkpoint's weights and recorded behaviour (what exports are keyed by)."""
    text = json.dumps([manifest.weights_sha256, manifest.fingerprint], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def network_passes(name: str) -> int:
    """How many network passes in a row one picture of a committed painter costs."""
    _, manifest = load_model(name)
    family = family_of(name)
    return int(painter(family).network_passes(config_of(family, manifest.config)))


def check_all(directory: Path | None = None) -> list[tuple[str, store.Manifest | None, str]]:
    """Load every checkpoint in the folder, and every committed one, the way sampling does:
    (name, manifest or None, problem or '') for each."""
    folder = store.checkpoints_dir(directory)
    names = sorted(set(store.names(folder)) | {name for name, _, _ in CHECKPOINTS})
    results: list[tuple[str, store.Manifest | None, str]] = []
    for name in names:
        try:
            _, manifest = _load_model.__wrapped__(name, folder, ())
            results.append((name, manifest, ""))
        except (store.CheckpointError, ValueError) as error:
            results.append((name, None, str(error)))
    return results
