"""Checkpoints: weights as safetensors, a JSON manifest beside them, checked on every load.

A checkpoint `checkpoints/NAME.safetensors` comes with `NAME.json`, which records what made it:
the config, a hash of the source that defines the model, the seed, steps, wall time, hardware,
torch version, the metrics measured at save time and the sha256 of the weights file, and with
`NAME.history.json`, the loss history (for the loss-curve figures).

Loading refuses a missing, corrupt, pickled or stale checkpoint with an error that names the
command that rebuilds it. Nothing on the site runs on weights that no longer match their code.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

import painters

PACKAGE_DIR = Path(painters.__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
CHECKPOINTS = REPO_DIR / "checkpoints"

# The files whose code decides what a checkpoint's weights mean. The toy world is in every
# list: a painter trained on an older world is stale even if its own file did not change.
SOURCES: dict[str, tuple[str, ...]] = {
    "judge": ("judge.py", "nn.py", "world.py"),
    "gan": ("gan.py", "nn.py", "world.py"),
    "vae": ("vae.py", "nn.py", "world.py"),
    "diffusion": ("diffusion.py", "nn.py", "world.py"),
    "autoregressive": ("autoregressive.py", "nn.py", "world.py"),
}


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be trusted; the message says how to rebuild it."""


def retrain_command(name: str, directory: Path | None = None) -> str:
    """The command that rebuilds a checkpoint, with --set for every config value that differs
    from the family's defaults (read from the manifest, where it is readable)."""
    family = name.split("-")[0]
    command = f"python -m painters train {family}" + (f" --name {name}" if name != family else "")
    try:
        import dataclasses
        import importlib

        config = json.loads(((directory or CHECKPOINTS) / f"{name}.json").read_text())["config"]
        defaults = json.loads(json.dumps(dataclasses.asdict(importlib.import_module(f"painters.{family}").Config())))
        command += "".join(f" --set {k}={v}" for k, v in sorted(config.items()) if defaults.get(k) != v)
    except (OSError, ValueError, KeyError, TypeError, ImportError, AttributeError):
        pass
    return command


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


def source_hash(family: str, config: dict[str, Any]) -> str:
    """sha256 over the code that defines a family's model (not its comments) and its config."""
    if family not in SOURCES:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(SOURCES)}")
    digest = hashlib.sha256()
    for name in SOURCES[family]:
        digest.update(name.encode())
        digest.update(_code_fingerprint(PACKAGE_DIR / name).encode())
    digest.update(json.dumps(config, sort_keys=True).encode())
    return digest.hexdigest()


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
    source_hash: str
    seed: int
    steps: int
    wall_seconds: float
    hardware: str
    device: str
    torch_version: str
    weights_sha256: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    created: str = ""

    @property
    def cpu_minutes(self) -> float:
        return self.wall_seconds / 60


def _paths(name: str, directory: Path) -> tuple[Path, Path, Path]:
    return (
        directory / f"{name}.safetensors",
        directory / f"{name}.json",
        directory / f"{name}.history.json",
    )


def save_checkpoint(
    manifest: Manifest,
    weights: dict[str, torch.Tensor],
    history: dict[str, list[float]] | None = None,
    directory: Path = CHECKPOINTS,
) -> Path:
    """Write weights, manifest and loss history; the manifest is written last, atomically."""
    weights_path, manifest_path, history_path = _paths(manifest.name, directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in weights.items()}
    tmp = weights_path.with_suffix(".tmp")
    save_file(tensors, str(tmp), metadata={"name": manifest.name, "family": manifest.family})
    tmp.replace(weights_path)
    manifest.weights_sha256 = file_sha256(weights_path)
    manifest.created = manifest.created or time.strftime("%Y-%m-%d")
    if history is not None:
        history_path.write_text(json.dumps(history, separators=(",", ":")) + "\n")
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest.__dict__, indent=2, sort_keys=True) + "\n")
    tmp.replace(manifest_path)
    return weights_path


def read_manifest(name: str, directory: Path = CHECKPOINTS) -> Manifest:
    """The manifest of a checkpoint, without loading or checking its weights."""
    _, manifest_path, _ = _paths(name, directory)
    fix = f"run `{retrain_command(name)}`"
    if not manifest_path.is_file():
        raise CheckpointError(f"no checkpoint {name!r} in {directory} (missing {manifest_path.name}); {fix}")
    try:
        data = json.loads(manifest_path.read_text())
        return Manifest(**data)
    except (json.JSONDecodeError, TypeError) as error:
        raise CheckpointError(f"manifest {manifest_path} is unreadable ({error}); {fix}") from error


def load_checkpoint(name: str, directory: Path = CHECKPOINTS) -> tuple[dict[str, torch.Tensor], Manifest]:
    """Weights and manifest of a checkpoint, after checking it is whole, safe and current."""
    weights_path, _, _ = _paths(name, directory)
    fix = f"run `{retrain_command(name)}`"
    manifest = read_manifest(name, directory)
    if not weights_path.is_file():
        raise CheckpointError(f"checkpoint {name!r} has a manifest but no weights ({weights_path}); {fix}")
    head = weights_path.read_bytes()[:2]
    if head[:1] == b"\x80" or head == b"PK":
        raise CheckpointError(
            f"{weights_path} is a pickle/zip file, not safetensors; pickles can run code and are "
            f"never loaded here; {fix}"
        )
    actual = file_sha256(weights_path)
    if actual != manifest.weights_sha256:
        raise CheckpointError(
            f"{weights_path} is corrupt: its sha256 is {actual[:12]}..., the manifest says "
            f"{manifest.weights_sha256[:12]}...; {fix} (or restore it with `git checkout -- {weights_path.name}`)"
        )
    expected = source_hash(manifest.family, manifest.config)
    if expected != manifest.source_hash:
        raise CheckpointError(
            f"checkpoint {name!r} is stale: the code in {', '.join(SOURCES[manifest.family])} or its "
            f"config changed since it was trained; {fix}"
        )
    try:
        weights = load_file(str(weights_path))
    except (SafetensorError, OSError) as error:
        raise CheckpointError(f"{weights_path} cannot be read as safetensors ({error}); {fix}") from error
    return weights, manifest


def load_history(name: str, directory: Path = CHECKPOINTS) -> dict[str, list[float]]:
    """The loss history saved beside a checkpoint."""
    _, _, history_path = _paths(name, directory)
    if not history_path.exists():
        raise CheckpointError(f"no loss history for {name!r} ({history_path}); run `{retrain_command(name)}`")
    data: dict[str, list[float]] = json.loads(history_path.read_text())
    return data


def record_metrics(name: str, metrics: dict[str, Any], directory: Path = CHECKPOINTS) -> Manifest:
    """Replace the metrics in a checkpoint's manifest (after checking the checkpoint is current).

    For measurements taken after training, such as a re-evaluation with a newer judge; the
    weights, and so their hash, do not change.
    """
    _, manifest = load_checkpoint(name, directory)
    manifest.metrics = metrics
    _, manifest_path, _ = _paths(name, directory)
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest.__dict__, indent=2, sort_keys=True) + "\n")
    tmp.replace(manifest_path)
    return manifest
