"""Loading a checkpoint into its family's model, and deciding whether it is still current.

A checkpoint is current when its behaviour is: the model built from its config and weights
must compute, from the fixed inputs of its family's `probe`, what it computed when it was
trained (the manifest's fingerprint, within fingerprint.TOLERANCE). Moving, renaming or
rewording code leaves every checkpoint current; changing what a network or its sampler
computes stales it, with a message naming the command that rebuilds it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import shlex
from pathlib import Path
from typing import Any

import torch

from painters.checkpoints import fingerprint, store
from painters.core import files, paths
from painters.families import registry
from painters.families.registry import CHECKPOINTS, FAMILIES, config_of, family_of, module, painter


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
        # only the family's own settings: a manifest is a file anyone can edit, and this line is
        # one a reader pastes into a shell (each argument is quoted for it, too)
        overrides = {k: v for k, v in manifest.config.items() if k in defaults and defaults[k] != v}
    return command + "".join(f" --set {shlex.quote(f'{k}={json.dumps(v)}')}" for k, v in sorted(overrides.items()))


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
    folder = directory or paths.CHECKPOINTS_DIR
    stamps: list[int] = []
    for suffix in (".json", ".safetensors"):
        path = folder / f"{registry.check_name(name)}{suffix}"
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
    if manifest.family not in FAMILIES:
        raise store.CheckpointError(
            f"checkpoint {name!r}: unknown family {manifest.family!r} in its manifest; run `{retrain_command(name)}`"
        )
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
    difference = fingerprint.problem(manifest.fingerprint, fingerprint.of(outputs))
    return f"what it computes changed since it was trained ({difference})" if difference else ""


def sampler_code(family: str) -> str:
    """A hash of the code a family paints with (its module, the pieces the families share, the
    words it reads): the key of cached pictures. A checkpoint itself is not keyed by code, only
    by what it computes."""
    shared = [paths.PACKAGE_DIR / "families" / "shared.py", paths.PACKAGE_DIR / "canvas" / "words.py"]
    return files.code_hash([Path(module(family).__file__ or ""), *shared])


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
