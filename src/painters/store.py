"""Checkpoints: weights as safetensors, a JSON manifest beside them, checked on every load.

A checkpoint `checkpoints/NAME.safetensors` comes with `NAME.json`, which records what made it:
the config, a hash of the source that defines the model, the seed, steps, wall time, hardware,
torch version, the metrics measured at save time and the sha256 of the weights file, and with
`NAME.history.json`, the loss history (for the loss-curve figures).

Loading refuses a missing, corrupt, pickled, mistyped or stale checkpoint with an error that
names the command that rebuilds it. This module knows files, not families: which source files
a checkpoint's hash covers, and what command rebuilds it, come from the family registry.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import math
import os
import platform
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

import painters

PACKAGE_DIR = Path(painters.__file__).resolve().parent


def _project_dir() -> Path:
    """The project folder: PAINTERS_HOME if set, else the checkout this package lives in."""
    home = os.environ.get("PAINTERS_HOME")
    return Path(home).resolve() if home else PACKAGE_DIR.parent.parent


REPO_DIR = _project_dir()
CHECKPOINTS = REPO_DIR / "checkpoints"

#: A checkpoint name: letters, digits, dots, dashes and underscores, starting with a letter. No
#: slashes, so a name can never lead outside the checkpoints folder.
NAME = re.compile(r"^[a-z][a-z0-9._-]{0,63}$")


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be trusted; the message says how to rebuild it."""


def check_name(name: str) -> str:
    """A checkpoint name that stays inside its folder (ValueError naming the rule otherwise)."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or ".." in name:
        raise ValueError(
            f"checkpoint name {name!r}: use lower-case letters, digits, '.', '-' and '_' "
            "(starting with a letter, at most 64 characters), e.g. vae-beta4"
        )
    return name


def checkpoints_dir(directory: Path | None = None) -> Path:
    """The checkpoints folder, with a clear error when it is not where this package looks."""
    folder = directory or CHECKPOINTS
    if not folder.is_dir():
        raise CheckpointError(
            f"no checkpoints folder at {folder}: this package looks in the project folder it was "
            "installed from (an editable install, `pip install -e .`), or in $PAINTERS_HOME/checkpoints"
        )
    return folder


def _code_fingerprint(path: Path) -> str:
    """The code of a file without its comments, docstrings and formatting."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
    return ast.dump(tree, annotate_fields=False)


def code_hash(paths: Iterable[Path]) -> str:
    """sha256 over the code in some files (not their comments, docstrings or formatting): the key
    of a cache entry that some code made. Checkpoints are not keyed so (see fingerprint)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(_code_fingerprint(path).encode())
    return digest.hexdigest()


#: Values kept per probe output: evenly spaced elements of the flattened tensor.
FINGERPRINT_VALUES = 48
#: How far a probe output may drift and still be the same behaviour: per value, this share of
#: (|value| + the output's spread). Another CPU rounds the last bits of a float differently
#: (~1e-7 relative); a change to what a network computes moves its outputs by far more.
FINGERPRINT_TOLERANCE = 1e-4


def fingerprint(outputs: Mapping[str, torch.Tensor]) -> dict[str, Any]:
    """A checkpoint's behaviour, summarised for its manifest: for each probe output (what the
    family's `probe` computes from fixed inputs), its shape, mean, spread and a few of its values."""
    out: dict[str, Any] = {}
    for name in sorted(outputs):
        flat = outputs[name].detach().double().flatten().cpu()
        pick = torch.linspace(0, len(flat) - 1, min(FINGERPRINT_VALUES, len(flat))).round().long()
        out[name] = {
            "shape": list(outputs[name].shape),
            "mean": round(float(flat.mean()), 7),
            "std": round(float(flat.std()) if len(flat) > 1 else 0.0, 7),
            "values": [round(float(v), 7) for v in flat[pick]],
        }
    return out


def fingerprint_problem(saved: Mapping[str, Any], now: Mapping[str, Any]) -> str:
    """'' when two fingerprints are the same behaviour, else what differs (the first output)."""
    if sorted(saved) != sorted(now):
        return f"it probes {sorted(saved)}, the code now probes {sorted(now)}"
    for name in sorted(saved):
        a, b = saved[name], now[name]
        if a.get("shape") != b["shape"]:
            return f"{name} has shape {b['shape']} now, {a.get('shape')} when trained"
        scale = float(b["std"]) + 1e-6
        for key, x, y in [("mean", a.get("mean"), b["mean"])] + [
            ("values", u, v) for u, v in zip(a.get("values", []), b["values"], strict=False)
        ]:
            if not isinstance(x, int | float) or not math.isfinite(x) or abs(x - y) > FINGERPRINT_TOLERANCE * (abs(y) + scale):
                return f"{name} computes {y:.6g} now where it computed {x!r} when trained"
        if len(a.get("values", [])) != len(b["values"]):
            return f"{name} has {len(b['values'])} probe values now, {len(a.get('values', []))} when trained"
    return ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cpu_name() -> str:
    """The processor's model name (from /proc/cpuinfo where there is one)."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), platform.machine()
            )
    except OSError:
        return platform.machine()


def hardware() -> str:
    """A short description of the machine, for manifests and captions."""
    if torch.cuda.is_available():
        gpu = torch.cuda.get_device_name(0)
        return f"{gpu} (CUDA), {platform.machine()}"
    return f"{cpu_name()}, {os.cpu_count()} cores, torch using {torch.get_num_threads()} thread(s)"


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


def _replace_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file of this writer's own, then replace path in one step;
    an interrupted write leaves the old file and no temporary behind."""
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        write(Path(tmp))
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # what a plain open() would give, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise


def save_checkpoint(
    manifest: Manifest,
    weights: dict[str, torch.Tensor],
    history: dict[str, list[float]] | None = None,
    directory: Path = CHECKPOINTS,
) -> Path:
    """Write weights, loss history and manifest; the manifest, written last, makes it whole."""
    weights_path, manifest_path, history_path = _paths(manifest.name, directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in weights.items()}
    metadata = {"name": manifest.name, "family": manifest.family}
    _replace_atomically(weights_path, lambda tmp: save_file(tensors, str(tmp), metadata=metadata))
    manifest.weights_sha256 = file_sha256(weights_path)
    manifest.created = manifest.created or time.strftime("%Y-%m-%d")
    if history is not None:
        text = json.dumps(history, separators=(",", ":")) + "\n"
        _replace_atomically(history_path, lambda tmp: tmp.write_text(text))
    text = json.dumps(manifest.__dict__, indent=2, sort_keys=True) + "\n"
    _replace_atomically(manifest_path, lambda tmp: tmp.write_text(text))
    return weights_path


def names(directory: Path | None = None) -> list[str]:
    """Every checkpoint in a folder: each NAME that has NAME.json or NAME.safetensors."""
    folder = checkpoints_dir(directory)
    found = {p.name.removesuffix(".json") for p in folder.glob("*.json") if not p.name.endswith(".history.json")}
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
        manifest = Manifest.from_json(json.loads(manifest_path.read_bytes().decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
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


def load_history(name: str, directory: Path | None = None) -> dict[str, list[float]]:
    """The loss history saved beside a checkpoint."""
    _, _, history_path = _paths(name, checkpoints_dir(directory))
    note_use(name)
    fix = f"restore it with `git checkout -- checkpoints/{history_path.name}`"
    if not history_path.is_file():
        raise CheckpointError(f"no loss history for {name!r} ({history_path}); {fix}")
    try:
        data = json.loads(history_path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(f"loss history {history_path} is unreadable ({error}); {fix}") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(x, int | float) for x in v) for v in data.values()
    ):
        raise CheckpointError(f"loss history {history_path} is not lists of numbers; {fix}")
    return data
