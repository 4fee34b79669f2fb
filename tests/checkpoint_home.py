"""Project folders of tiny checkpoints, for tests that must not read or write the committed ones.

`tiny_home()` trains every checkpoint that registry.CHECKPOINTS names (the judge, the four
painters, the VAE's beta sweep) with its family's Config.tiny() plus the committed overrides (and only a few steps),
on a small training set of its own and without the judge's measurements, once per test process
(about ten seconds), into a temporary folder laid out like the project: `checkpoints/` and an
empty `.cache/`. A test copies it (`copy_home`) before it breaks or adds anything, and points
the package at its copy: `use_home` in-process, or PAINTERS_HOME for a `python -m painters`
child (store.REPO_DIR reads it at import). These checkpoints test mechanics, not quality: a
tiny painter paints noise, and a tiny judge guesses.

`committed(name)` is the committed checkpoint's model, or a clean skip naming why it cannot be
used (a checkpoint left stale by a code change, until `make checkpoints` retrains it).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import torch

from painters import canvas
from painters.checkpoints import loading, store
from painters.core import machine, paths
from painters.families import fit, registry
from painters.training import run as training

TRAIN_IMAGES = 256
STEPS = 3  # a few steps of each loop: enough to save real weights of the right shapes
_HOME: list[Path] = []


def tiny_home() -> Path:
    """A project folder holding a tiny, whole and current checkpoint of every committed name."""
    if not _HOME:
        home = Path(tempfile.mkdtemp(prefix="painters-tiny-home-"))
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        checkpoints, cache = home / "checkpoints", home / ".cache"
        checkpoints.mkdir()
        threads = torch.get_num_threads()
        with mock.patch.object(paths, "CACHE_DIR", cache):  # the judge keeps its renders in the cache
            machine.use_threads(1)
            data = canvas.make_dataset(TRAIN_IMAGES, 0)
            with (
                mock.patch.object(fit, "training_set", return_value=data),
                mock.patch.object(training, "measure_model", return_value={}),
            ):
                for name, family, overrides in registry.CHECKPOINTS:
                    tiny = {**asdict(registry.module(family).Config.tiny()), **overrides}
                    tiny.update({key: STEPS for key in ("steps", "vq_steps") if key in tiny})
                    training.train_and_save(family, name=name, overrides=tiny, directory=checkpoints, progress=False)
            torch.set_num_threads(threads)
        shutil.rmtree(cache)
        cache.mkdir()
        _HOME.append(home)
    return _HOME[0]


def copy_home(destination: Path) -> Path:
    """A copy of tiny_home() at destination (created), to break or fill as a test likes."""
    shutil.copytree(tiny_home(), destination)
    return destination


def use_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """Point this process's package at a project folder: its checkpoints and its cache."""
    monkeypatch.setattr(paths, "PROJECT_DIR", home)
    monkeypatch.setattr(paths, "CHECKPOINTS_DIR", home / "checkpoints")
    monkeypatch.setattr(paths, "CACHE_DIR", home / ".cache")
    # training.train_and_save took store.CHECKPOINTS as its default folder when it was defined
    monkeypatch.setitem(training.train_and_save.__kwdefaults__, "directory", home / "checkpoints")
    # Loaded models are cached by name and file stamps, not by folder (and a copied file keeps
    # its stamp): a cache of this test's own, dropped afterwards.
    monkeypatch.setattr(loading, "_load_model", functools.lru_cache(maxsize=32)(loading._load_model.__wrapped__))
    return home / "checkpoints"


def committed(name: str) -> Any:
    """The committed checkpoint `name` as loaded for the pages, or a clean skip saying why not."""
    try:
        model, _ = loading.load_model(name)
    except store.CheckpointError as error:
        pytest.skip(f"the committed {name} checkpoint cannot be used here: {str(error)[:200]}")
    return model
