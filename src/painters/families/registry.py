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
import json
import math
import re
import typing
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


# --- settings: what a Config's values may be -------------------------------------------------
# Every setting is checked before any work, from its field's type (a whole number, a finite
# number, a tuple of so many numbers, true/false) and its name: a whole number counts something
# (at least 1, or 0 where the default is 0, at most MAX_WHOLE), a number is finite and not negative
# (at most MAX_NUMBER). A setting whose range is narrower has a rule here, keyed by its name in
# whichever family uses it; `high` may name another setting (at most that one's value).


@dataclass(frozen=True)
class Rule:
    low: float
    high: float | str
    low_open: bool = False  # `low` itself is not allowed
    high_open: bool = False

    def allows(self, value: float, config: dict[str, Any]) -> bool:
        high = float(config[self.high]) if isinstance(self.high, str) else self.high
        above = value > self.low if self.low_open else value >= self.low
        below = value < high if self.high_open else value <= high
        return above and below

    def describe(self, kind: str, config: dict[str, Any]) -> str:
        """'a whole number from 1 to 4096', 'a number above 0 and at most 1' (kind: 'a number')."""
        low = _shown_number(self.low)
        high = f"{self.high} ({_shown_number(config[self.high])} here)" if isinstance(self.high, str) else ""
        high = high or _shown_number(float(self.high))
        if not (self.low_open or self.high_open):
            return f"{kind} from {low} to {high}".strip()
        above, below = ("above" if self.low_open else "at least"), ("below" if self.high_open else "at most")
        return f"{kind} {above} {low} and {below} {high}".strip()


def _shown_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e16 else f"{x:g}"


MAX_WHOLE = 1_000_000
MAX_NUMBER = 1e6
_SIZE = Rule(1, 1024)  # channels and widths: the project's painters use 8 to 256
RULES: dict[str, Rule] = {
    "lr": Rule(0, 1, low_open=True),
    "betas": Rule(0, 1, high_open=True),  # Adam's two decays
    "ema": Rule(0, 1, high_open=True),  # the share of the average kept at each step
    "drop_prompt": Rule(0, 1),  # a share of the captions
    "kl_anneal": Rule(0, 1),  # a share of the steps
    "sigma": Rule(0, 100, low_open=True),  # a standard deviation
    "temperature": Rule(0, 100, low_open=True),
    "d_lr_ratio": Rule(0, 1000, low_open=True),
    "guidance": Rule(0, 100),
    **dict.fromkeys(
        ("z_dim", "text_dim", "g_width", "g_full", "d_width", "latent_dim", "width", "vq_width", "code_dim", "dim"),
        _SIZE,
    ),
    "features": _SIZE,
    "layers": Rule(1, 64),
    "heads": Rule(1, 64),
    "codebook": Rule(2, 4096),
    "batch": Rule(1, 4096),
    "negatives": Rule(0, 4096),
    "timesteps": Rule(1, 100_000),
    "sample_steps": Rule(1, "timesteps"),  # sampling skips along the chain: at most its length
    "r1_every": Rule(1, 10_000),
    "adversarial_start": Rule(0, MAX_WHOLE),  # 0: the critic counts from the first step
}


def config_of(family: str, values: dict[str, Any]) -> Any:
    """A family's Config from saved or given values: ValueError naming an unknown setting, or a
    value of the wrong type or outside its range (with the range and the default)."""
    config_class = module(family).Config
    defaults = dataclasses.asdict(config_class())
    unknown = sorted(set(values) - set(defaults))
    if unknown:
        raise ValueError(f"{family} has no setting {', '.join(unknown)}; its settings: {', '.join(defaults)}")
    try:
        hints = typing.get_type_hints(config_class)
    except (NameError, TypeError):  # an annotation that does not resolve: each default's type instead
        hints = {}
    given = {key: _typed(family, key, value, defaults[key], hints.get(key)) for key, value in values.items()}
    merged = {**defaults, **given}
    for key in merged:
        _check_range(family, key, merged, defaults[key])
    return config_class(**given)


def _typed(family: str, key: str, value: Any, default: Any, hint: Any) -> Any:
    """A setting's value in its field's type (an int for a float, a list for a tuple)."""
    fail = f"{family} setting {key}={_shown(value)}: expected {_kind(default)}, like {json.dumps(default)}"
    if isinstance(default, bool) or isinstance(value, bool):
        if not (isinstance(value, bool) and isinstance(default, bool)):
            raise ValueError(fail)
        return value
    if isinstance(default, tuple):
        items = typing.get_args(hint) or tuple(type(x) for x in default)
        if not isinstance(value, list | tuple):
            raise ValueError(fail)
        if Ellipsis not in items and len(value) != len(items):
            raise ValueError(fail)
        kinds = [items[0]] * len(value) if Ellipsis in items else list(items)
        return tuple(_number(fail, x, kind) for x, kind in zip(value, kinds, strict=True))
    if isinstance(default, int | float):
        return _number(fail, value, type(default))
    if not isinstance(value, type(default)):
        raise ValueError(fail)
    return value


def _kind(default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, tuple):
        return f"a list of {len(default)} numbers"
    return {int: "a whole number", float: "a number", str: "text"}.get(type(default), f"a {type(default).__name__}")


def _number(fail: str, value: Any, kind: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and not isinstance(value, int)):
        raise ValueError(fail)
    if kind is float and isinstance(value, int) and abs(value) < 1e300:
        return float(value)
    return value  # a huge whole number stays whole, and is refused as out of range


def _check_range(family: str, key: str, config: dict[str, Any], default: Any) -> None:
    values = config[key] if isinstance(config[key], tuple) else (config[key],)
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    first = default[0] if isinstance(default, tuple) and default else default
    if not numbers or isinstance(first, bool):
        return
    whole = isinstance(first, int)
    rule = RULES.get(key) or _generic_rule(first, whole)
    for v in numbers:
        if isinstance(v, float) and not math.isfinite(v):
            problem = "not a finite number"
        elif not rule.allows(v, config):
            problem = "out of range"
        else:
            continue
        kind = "a whole number" if whole else "a number"
        allowed = f"{len(values)} numbers, each {rule.describe('', config)}" if len(values) > 1 else ""
        raise ValueError(
            f"{family} setting {key}={_shown(list(values) if len(values) > 1 else v)} is {problem}: "
            f"use {allowed or rule.describe(kind, config)} (the default is {json.dumps(default)})"
        )


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:24]}...({len(text)} characters)"


def _generic_rule(default: float, whole: bool) -> Rule:
    low = 0 if (not whole or default == 0) else 1
    return Rule(-MAX_NUMBER if default < 0 else low, MAX_WHOLE if whole else MAX_NUMBER)
