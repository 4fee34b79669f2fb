"""The families: one registry, and the contract every family module keeps.

A family is one file in this folder (`gan.py`, `vae.py`, ...) that keeps the contract below,
and one entry in FAMILIES. Everything else reads the registry: the command line (which painters
there are), the checkpoints' loader and its retrain hints, the figures' colours, the comparison
page, the benchmark and the browser export. A fifth family is a fifth file and a fifth entry;
tests/test_contract.py holds every registered family (a tiny fake fifth one included) to the
contract, and tests/test_registry.py watches the CLI, the loader and the measurements pick the
fake one up.

The judge is trained and checkpointed like a family (it keeps the first half of the contract:
Config, build, train, probe) but does not paint.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol, cast

import numpy as np
import torch
from torch import nn

from painters import canvas


class Trainable(Protocol):
    """What the judge and every painter's module define, in this order in the file."""

    # Config: a dataclass; Config() is the committed configuration and Config.tiny() a
    # few-second one for tests. (A Protocol cannot declare a nested class, so it is checked by name.)

    def build(self, config: Any) -> nn.Module:
        """The networks for a config, untrained."""
        ...

    def train(
        self, config: Any, *, seed: int, device: torch.device, progress: bool = True, data: canvas.Dataset | None = None
    ) -> tuple[nn.Module, dict[str, list[float]]]:
        """Train from scratch (on `data`, or the shared training set); the model and its loss history."""
        ...

    def probe(self, model: Any) -> dict[str, torch.Tensor]:
        """What the model's networks (and sampler) compute from fixed inputs: its behaviour, which
        a checkpoint's fingerprint records and loading compares (painters.checkpoints)."""
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
class Phase:
    """A stretch of a family's training whose steps all cost the same compute, for counting a
    budget (training/budget.py): its name, the config field that sets its length, how many steps
    of it the config's run takes, and the settings that make a short counting run all this phase.
    A family with one kind of step needs none: its phase is `steps` (see `phases`)."""

    name: str
    field: str  # the config's field that sets how many steps this phase's loop runs
    steps: int  # how many of those steps fall in this phase
    counting: dict[str, Any] = dataclasses.field(default_factory=dict)  # settings for a count run
    first: bool = True  # does a short run from the start spend its steps in this phase?


def phases(family: str, config: Any) -> list[Phase]:
    """The phases of a family's training, in order: its module's `phases(config)` if it has one,
    else one phase of `config.steps` steps."""
    own = getattr(module(family), "phases", None)
    return list(own(config)) if callable(own) else [Phase("training", "steps", int(config.steps))]


@dataclass(frozen=True)
class Family:
    """One registry entry."""

    name: str  # the module painters.families.<name> (or `module`) and the default checkpoint name
    label: str  # as the lesson writes it
    colour: str  # the family's colour on every figure
    paints: bool = True  # False for the judge
    module: str = ""  # where its code lives, if not painters.families.<name>

    @property
    def module_name(self) -> str:
        return self.module or f"painters.families.{self.name}"


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
    mod = importlib.import_module(family.module_name)
    needed = ["Config", "build", "train", "probe"] + (["sample_images", "network_passes"] if family.paints else [])
    missing = [attr for attr in needed if not callable(getattr(mod, attr, None))]
    if not callable(getattr(getattr(mod, "Config", None), "tiny", None)):
        missing.append("Config.tiny")
    if missing:
        raise TypeError(f"{family.module_name} does not keep the family contract: missing {missing}")
    return mod


def painter(name: str) -> Painter:
    """A painting family's module (ValueError for the judge or an unknown name)."""
    if not get(name).paints:
        raise ValueError(f"{name!r} does not paint; choose one of: {', '.join(painters())}")
    return cast(Painter, module(name))


#: A checkpoint name: letters, digits, dots, dashes and underscores, starting with a letter. No
#: slashes, so a name can never lead outside the checkpoints folder.
NAME = re.compile(r"^[a-z][a-z0-9._-]{0,63}$")


def check_name(name: str) -> str:
    """A checkpoint name that stays inside its folder (ValueError naming the rule otherwise)."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or ".." in name:
        raise ValueError(
            f"checkpoint name {name!r}: use lower-case letters, digits, '.', '-' and '_' "
            "(starting with a letter, at most 64 characters), e.g. vae-beta4"
        )
    return name


def family_of(checkpoint: str) -> str:
    """The family a checkpoint name belongs to: 'vae-beta4' -> 'vae'."""
    return check_name(checkpoint).split("-")[0]


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
