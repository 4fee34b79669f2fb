"""Everything the build will read, checked before any page runs (the hooks' on_pre_build).

A build runs every page's code for minutes; a file it needs that turns out broken half way
through used to stop it there, with a traceback. So first, in seconds:

- every committed checkpoint loads the way the pages load it (whole, finite, current), and
  its loss history reads as lists of finite numbers;
- the in-page painters' ONNX exports are current (made again where missing, stale or
  tampered with: a graph file named outside its folder, a changed byte, a missing field),
  and onnxruntime-web's files are installed;
- the lab notebooks' cache holds only entries a build made (notebooks.check_cache: a tampered,
  truncated or foreign entry is deleted, and its notebook executed again);
- the committed benchmark results read as JSON;
- the cache folder and the folder the site is written into can be written, with room.

What cannot be made again is listed, every problem at once, each with its fix, in one
PluginError. (`make site` also builds beside the last good site and swaps only on success:
scripts/build_site.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from painters.browser import bundle, export
from painters.checkpoints import loading, store
from painters.core import files, folders, paths
from painters.families import registry
from painters.site import notebooks

#: Room the build needs where it writes: the site (about 30 MB) and the pictures it keeps.
SITE_BYTES = 64 << 20
CACHE_BYTES = 64 << 20


def problems(config: Any) -> list[str]:
    """What stops the build, one line each (empty when it can go ahead). Exports are made
    again and stale lab cache entries dropped on the way: those can be fixed here."""
    found = [f"{name}: {problem}" for name, _, problem in loading.check_all() if problem]
    broken = {line.split(":", 1)[0] for line in found}
    for name, _, _ in registry.CHECKPOINTS:
        if name in broken:
            continue
        try:
            store.load_history(name)
        except store.CheckpointError as error:
            found.append(f"{name}: {error}")
    found += _folders(config)
    found += _benchmarks()
    try:
        bundle.check_runtime()
    except store.CheckpointError as error:
        found.append(str(error))
    if not found:  # the exports are made from whole checkpoints only
        try:
            export.ensure_current()
        except (store.CheckpointError, ValueError, OSError) as error:
            found.append(f"the in-page painters' exports: {error}")
    plugin = _plugins(config).get("mkdocs-jupyter")
    if plugin is not None:
        notebooks.check_cache(Path(plugin.config["cache_dir"]))
    return found


def _plugins(config: Any) -> Any:
    plugins = config.get("plugins") if hasattr(config, "get") else None
    return plugins if hasattr(plugins, "get") else {}


def _folders(config: Any) -> list[str]:
    site = config.get("site_dir") if hasattr(config, "get") else None
    wanted = [(paths.CACHE_DIR, CACHE_BYTES, "the cache")]
    if site:
        wanted.append((Path(site), SITE_BYTES, "the site"))
    found = []
    for folder, need, what in wanted:
        try:
            folders.check(folder, need, f"{what} ({folders.short(folder)})", "make room, or build elsewhere")
        except folders.FolderError as error:
            found.append(str(error))
    return found


def _benchmarks() -> list[str]:
    """The committed measurements the Performance page reads: each a JSON object."""
    found = []
    for path in sorted((paths.PROJECT_DIR / "benchmarks").glob("*.json")):
        try:
            data = files.parse_json(path.read_bytes())
        except (ValueError, OSError) as error:
            found.append(f"{path}: unreadable ({error}); restore it with `git checkout -- benchmarks/{path.name}`")
            continue
        if not isinstance(data, dict):
            found.append(f"{path}: not a JSON object; restore it with `git checkout -- benchmarks/{path.name}`")
    return found
