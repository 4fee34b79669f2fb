"""Checkpoint files: weights as safetensors, a JSON manifest beside them, checked on every read.

A checkpoint `checkpoints/NAME.safetensors` comes with `NAME.json`, which records what made it:
the config, its behaviour fingerprint (fingerprint.py), the seed, steps, wall time, hardware,
torch version, the metrics measured at save time and the sha256 of the weights file, and with
`NAME.history.json`, the loss history (for the loss-curve figures).

Reading refuses a missing, corrupt, pickled, mistyped or non-finite checkpoint with an error
that names the fix. This module knows files, not families: whether a checkpoint is current,
and which command rebuilds it, is decided by loading.py, which builds the model.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from painters.core import files, paths
from painters.core.files import file_sha256
from painters.families.registry import check_name

__all__ = ["CheckpointError", "Manifest", "file_sha256", "load_checkpoint", "load_history", "names", "read_manifest"]


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be trusted; the message says how to rebuild it."""


def checkpoints_dir(directory: Path | None = None) -> Path:
    """The checkpoints folder, with a clear error when it is not where this package looks."""
    folder = directory or paths.CHECKPOINTS_DIR
    if not folder.is_dir():
        raise CheckpointError(
            f"no checkpoints folder at {folder}: this package looks in the project folder it was "
            "installed from (an editable install, `pip install -e .`), or in $PAINTERS_HOME/checkpoints"
        )
    return folder


@dataclass
class Manifest:
    """What made a checkpoint, stored as NAME.json beside the weights."""

    name: str
    family: str
    config: dict[str, Any]
    fingerprint: dict[str, Any]  # what the networks compute on fixed inputs (store.fingerprint)
    seed: int
    steps: int
    wall_seconds: float
    hardware: str
    device: str
    torch_version: str
    weights_sha256: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    threads: int = 1
    compute: dict[str, Any] = field(default_factory=dict)  # training FLOPs (training/budget.py)

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        """A manifest from parsed JSON, every field of the right type (ValueError naming the first
        that is not)."""
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object, found {type(data).__name__}")
        types: dict[str, type | tuple[type, ...]] = {
            "str": str,
            "int": int,
            "float": (int, float),
            "dict[str, Any]": dict,
        }
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}")
        for name, f in known.items():
            if name not in data:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise ValueError(f"field {name!r} is missing")
                continue
            value, want = data[name], types[str(f.type)]
            if isinstance(value, bool) or not isinstance(value, want):
                raise ValueError(f"field {name!r} is {value!r}, expected {str(f.type).split('[')[0]}")
        return cls(**data)


def _paths(name: str, directory: Path) -> tuple[Path, Path, Path]:
    check_name(name)
    return (
        directory / f"{name}.safetensors",
        directory / f"{name}.json",
        directory / f"{name}.history.json",
    )


def curve_path(name: str, directory: Path | None = None) -> Path:
    """Where a painter's learning curve is kept beside its checkpoint (NAME.curve.json)."""
    return (directory or paths.CHECKPOINTS_DIR) / f"{check_name(name)}.curve.json"


def save_checkpoint(
    manifest: Manifest,
    weights: dict[str, torch.Tensor],
    history: dict[str, list[float]] | None = None,
    directory: Path | None = None,
    *,
    curve: dict[str, Any] | None = None,
) -> Path:
    """Write weights, loss history, learning curve and manifest; the manifest, written last,
    makes it whole."""
    directory = directory or paths.CHECKPOINTS_DIR
    weights_path, manifest_path, history_path = _paths(manifest.name, directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in weights.items()}
    metadata = {"name": manifest.name, "family": manifest.family}
    files.replace_atomically(weights_path, lambda tmp: save_file(tensors, str(tmp), metadata=metadata))
    manifest.weights_sha256 = file_sha256(weights_path)
    manifest.created = manifest.created or time.strftime("%Y-%m-%d")
    if history is not None:
        text = json.dumps(history, separators=(",", ":")) + "\n"
        files.replace_atomically(history_path, lambda tmp: tmp.write_text(text))
    if curve:
        text = json.dumps(curve, indent=1, sort_keys=True) + "\n"
        files.replace_atomically(curve_path(manifest.name, directory), lambda tmp: tmp.write_text(text))
    text = json.dumps(manifest.__dict__, indent=2, sort_keys=True) + "\n"
    files.replace_atomically(manifest_path, lambda tmp: tmp.write_text(text))
    return weights_path


_SIDE_FILES = (".history.json", ".curve.json")


def names(directory: Path | None = None) -> list[str]:
    """Every checkpoint in a folder: each NAME that has NAME.json or NAME.safetensors."""
    folder = checkpoints_dir(directory)
    found = {p.name.removesuffix(".json") for p in folder.glob("*.json") if not p.name.endswith(_SIDE_FILES)}
    found |= {p.name.removesuffix(".safetensors") for p in folder.glob("*.safetensors")}
    return sorted(found)


# The checkpoints a figure was drawn from: noted whenever one is read, taken by the build's fence
# formatter after each block, which writes them under the figure (blocks.py).
_used: set[str] = set()


def note_use(name: str) -> None:
    _used.add(name)


def take_used() -> list[str]:
    used = sorted(_used)
    _used.clear()
    return used


def read_manifest(name: str, directory: Path | None = None, *, fix: str = "") -> Manifest:
    """The manifest of a checkpoint, type-checked, without loading or checking its weights."""
    _, manifest_path, _ = _paths(name, checkpoints_dir(directory))
    note_use(name)
    fix = fix or f"restore it with `git checkout -- checkpoints/{manifest_path.name}`"
    if not manifest_path.is_file():
        raise CheckpointError(f"no checkpoint {name!r}: {manifest_path} is missing; {fix}")
    try:
        manifest = Manifest.from_json(files.parse_json(manifest_path.read_bytes()))
    except (ValueError, OSError) as error:
        raise CheckpointError(f"manifest {manifest_path} is unreadable ({error}); {fix}") from None
    if manifest.name != name:
        raise CheckpointError(f"manifest {manifest_path} is for checkpoint {manifest.name!r}, not {name!r}; {fix}")
    return manifest


def load_checkpoint(
    name: str,
    directory: Path | None = None,
    *,
    fix: Callable[[Manifest | None], str],
) -> tuple[dict[str, torch.Tensor], Manifest]:
    """Weights and manifest of a checkpoint, after checking it is whole, safe and finite.

    Whether it is current is a question about behaviour, answered by whoever builds the model
    (the registry compares the manifest's fingerprint with what the model computes now);
    `fix(manifest)` says how to rebuild it.
    """
    folder = checkpoints_dir(directory)
    weights_path, _, _ = _paths(name, folder)
    manifest = read_manifest(name, folder, fix=fix(None))
    rebuild = fix(manifest)
    restore = f"`git checkout -- checkpoints/{weights_path.name}`"
    if not weights_path.is_file():
        raise CheckpointError(f"checkpoint {name!r} has a manifest but no weights ({weights_path}); {rebuild}")
    with weights_path.open("rb") as f:
        head = f.read(8)
    if head[:1] == b"\x80" or head[:2] == b"PK":
        raise CheckpointError(
            f"{weights_path} is a pickle/zip file, not safetensors; pickles can run code and are "
            f"never loaded here; {rebuild}"
        )
    actual = file_sha256(weights_path)
    if actual != manifest.weights_sha256:
        raise CheckpointError(
            f"{weights_path} is corrupt: its sha256 is {actual[:12]}..., the manifest says "
            f"{manifest.weights_sha256[:12]}...; restore it with {restore}, or {rebuild}"
        )
    try:
        weights = load_file(str(weights_path))
    except (SafetensorError, OSError) as error:
        raise CheckpointError(f"{weights_path} cannot be read as safetensors ({error}); {rebuild}") from None
    broken = sorted(k for k, v in weights.items() if v.is_floating_point() and not bool(torch.isfinite(v).all()))
    if broken:
        raise CheckpointError(
            f"checkpoint {name!r} holds weights that are not finite numbers (NaN or infinity in "
            f"{len(broken)} tensor(s), e.g. {broken[0]}): the training that made it diverged; {rebuild}"
        )
    return weights, manifest


def _side_file(name: str, path: Path, what: str, fix: str) -> Any:
    """A JSON file kept beside a checkpoint (its loss history, its learning curve), parsed, or a
    CheckpointError naming the file and the fix."""
    note_use(name)
    if not path.is_file():
        raise CheckpointError(f"no {what} for {name!r} ({path}); {fix}")
    try:
        return files.parse_json(path.read_bytes())
    except (ValueError, OSError) as error:
        raise CheckpointError(f"{what} {path} is unreadable ({error}); {fix}") from None


def load_history(name: str, directory: Path | None = None) -> dict[str, list[float]]:
    """The loss history saved beside a checkpoint."""
    _, _, path = _paths(name, checkpoints_dir(directory))
    fix = f"restore it with `git checkout -- checkpoints/{path.name}`"
    data = _side_file(name, path, "loss history", fix)
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
        for v in data.values()
    ):
        raise CheckpointError(f"loss history {path} is not lists of numbers; {fix}")
    if not all(math.isfinite(x) for v in data.values() for x in v):
        raise CheckpointError(f"loss history {path} holds numbers that are not finite (NaN); {fix}")
    return data


def load_curve(name: str, directory: Path | None = None) -> dict[str, Any]:
    """A painter's learning curve (NAME.curve.json): its compute, protocol and measured points."""
    path = curve_path(name, checkpoints_dir(directory))
    fix = f"restore it with `git checkout -- checkpoints/{path.name}`, or run `make checkpoints`"
    data = _side_file(name, path, "learning curve", fix)
    points = data.get("points") if isinstance(data, dict) else None
    if not isinstance(points, list) or not points or not all(isinstance(p, dict) and "metrics" in p for p in points):
        raise CheckpointError(f"learning curve {path} holds no measured points; {fix}")
    return dict(data)
