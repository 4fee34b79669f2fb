"""Tiny checkpoints of every painting family, trained in seconds into a folder, for the export
and browser-sampler tests (and by hand, with a tiny judge too, for trying the browser gate's
mechanics: `python tests/tiny_painters.py DIR/checkpoints`, then PAINTERS_HOME=DIR).

Each family trains with its own Config.tiny() on a small training set of its own (not the
shared 30,000 renders, which take a while to draw), and is saved without the judge's
measurements (training.measure_model is skipped): these checkpoints test mechanics, not quality.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from unittest import mock

from painters import canvas
from painters.core import machine
from painters.families import fit, registry
from painters.training import run as training

TRAIN_IMAGES = 256


def make(directory: Path, families: tuple[str, ...] | None = None) -> Path:
    """Train and save a tiny checkpoint of each painting family (named after it) into directory
    (or of the named families; "judge" is one too)."""
    machine.use_threads(1)
    data = canvas.make_dataset(TRAIN_IMAGES, 0)
    for family in families or registry.painters():
        tiny = asdict(registry.module(family).Config.tiny())
        with (
            mock.patch.object(fit, "training_set", return_value=data),
            mock.patch.object(training, "measure_model", return_value={}),
        ):
            training.train_and_save(family, overrides=tiny, directory=directory, progress=False)
    return directory


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    make(folder, (*registry.painters(), "judge"))
    print(f"tiny checkpoints in {folder}")
