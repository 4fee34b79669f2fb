"""Where things are: the package, the project folder it belongs to, its checkpoints and cache."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _project_dir() -> Path:
    """The project folder: PAINTERS_HOME if set, else the checkout this package lives in."""
    home = os.environ.get("PAINTERS_HOME")
    return Path(home).resolve() if home else PACKAGE_DIR.parent.parent


PROJECT_DIR = _project_dir()
CHECKPOINTS_DIR = PROJECT_DIR / "checkpoints"
CACHE_DIR = PROJECT_DIR / ".cache"  # slow, reproducible results kept between runs
SOURCE_DIR = PACKAGE_DIR.parent.parent  # the checkout the code is in (docs/, snippets/, node_modules/)
