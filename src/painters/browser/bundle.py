"""The in-page painters' files in the built site: the runtime, the models, painters.json.

The site gets `assets/painter/`: the runtime (onnxruntime-web's wasm-only build, its loader
and its .wasm, copied from node_modules, pinned in package.json; nothing from a CDN), the models
in a folder per painter named by its weights' hash (a retrained painter is a new URL, never a
stale cache hit), and `painters.json`: the prompt rules (canvas.prompt_rules), every
painter's export manifest and the judge's. The widget's own JS and CSS are plain files under docs/assets/painter/.

`first_paint` lists what a widget's first Paint fetches, from the real files (raw, and gzipped
at level 6 as a static host sends them); `fill_costs` writes its sum into the widget's status
line at build time (mkdocs hook on_post_page), so the reader sees the cost before the click.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from painters import canvas
from painters.browser import export
from painters.checkpoints import store
from painters.core import paths

#: What the site needs of onnxruntime-web: its wasm-only ES module, and the Emscripten loader and
#: SIMD wasm that it imports from wasmPaths (the site's own folder; one thread is enough for it).
ORT_FILES = ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")
SITE_FOLDER = "assets/painter"
#: The widget's own scripts (docs/assets/painter/): painter.js, and what it imports, load on the first Paint.
WIDGET_SCRIPTS = paths.SOURCE_DIR / "docs" / "assets" / "painter"
WIDGET_MODULE = "painter.js"
#: gzip's level for the transfer sizes: what static hosts (GitHub Pages among them) commonly use.
GZIP_LEVEL = 6


def site_index(records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """painters.json: the prompt rules, per family where its models are and its settings, and
    the same for the judge (which reads every painted picture in the page), apart."""
    painters, judge = {}, None
    for name, record in records.items():
        entry = {**record, "folder": f"models/{name}-{record['weights_sha256'][:12]}"}
        if name == export.JUDGE:
            judge = entry
        else:
            painters[record["family"]] = entry
    return {"format": export.FORMAT, "prompt_rules": canvas.prompt_rules(), "painters": painters, "judge": judge}


def ort_dist() -> Path:
    """onnxruntime-web's dist folder, found as Node finds a package: in node_modules of the
    project folder or of any folder above it (the determinism check builds in a copy inside the
    checkout, without its own node_modules), then of the checkout this package lives in."""
    for start in (paths.PROJECT_DIR, paths.SOURCE_DIR):
        for folder in (start, *start.parents):
            dist = folder / "node_modules" / "onnxruntime-web" / "dist"
            if dist.is_dir():
                return dist
    return paths.PROJECT_DIR / "node_modules" / "onnxruntime-web" / "dist"


def check_runtime() -> Path:
    """onnxruntime-web's dist folder, with every file the site copies from it (the build checks
    this before any page runs, and again when it copies them)."""
    ort = ort_dist()
    missing = [f for f in ORT_FILES if not (ort / f).is_file()]
    if missing:
        raise store.CheckpointError(
            f"onnxruntime-web is not installed ({ort / missing[0]} is missing); run `npm ci --ignore-scripts`"
        )
    return ort


def copy_into_site(site_dir: str | Path, root: Path | None = None, checkpoints: Path | None = None) -> Path:
    """For the build (on_post_build): copy the runtime, the current exports and painters.json
    into site_dir/assets/painter/. A stale export is refused (ensure_current re-makes them)."""
    ort = check_runtime()
    out = Path(site_dir) / SITE_FOLDER
    records = {name: export.check_export(name, root, checkpoints) for name in export.exported_names()}
    (out / "ort").mkdir(parents=True, exist_ok=True)
    for name in ORT_FILES:
        _copy(ort / name, out / "ort" / name)
    models = out / "models"
    if models.exists():
        shutil.rmtree(models)  # a painter retrained under `mkdocs serve`: drop the old folder
    index = site_index(records)
    for name, record in records.items():
        source = export.export_folder(name, record["weights_sha256"], root)
        target = out / (index["judge"] if name == export.JUDGE else index["painters"][record["family"]])["folder"]
        target.mkdir(parents=True)
        for graph in record["graphs"].values():
            _copy(source / graph["file"], target / graph["file"])
    (out / "painters.json").write_bytes(index_bytes(index))
    return out


def index_bytes(index: dict[str, Any]) -> bytes:
    """painters.json as the site serves it."""
    return (json.dumps(index, indent=1, sort_keys=True) + "\n").encode()


# --- what the first Paint fetches ---------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """One file a widget's first Paint fetches: where it is in the site (under assets/painter/),
    'runtime' (onnxruntime-web, the widget's scripts, painters.json) or 'models', its size
    and its size gzipped."""

    path: str
    part: str
    bytes: int
    gzip_bytes: int


def widget_modules(folder: Path = WIDGET_SCRIPTS) -> list[str]:
    """painter.js and every module it imports, directly or not (static `from './x.js'` imports),
    read from the files themselves."""
    found, todo = [], [WIDGET_MODULE]
    while todo:
        name = todo.pop(0)
        if name in found:
            continue
        found.append(name)
        source = (folder / name).read_text(encoding="utf-8")
        todo += re.findall(r"""^\s*(?:import|export)\b[^;]*?\bfrom\s+['"]\./([\w.-]+\.m?js)['"]""", source, re.M | re.S)
    return found


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


@functools.cache
def _file_sizes(path: Path, size: int, mtime_ns: int) -> tuple[int, int]:
    return size, gzip_size(path.read_bytes())


def file_sizes(path: Path) -> tuple[int, int]:
    """(bytes, gzipped bytes) of a file, remembered while it does not change."""
    stat = path.stat()
    return _file_sizes(path, stat.st_size, stat.st_mtime_ns)


def first_paint(
    family: str,
    records: dict[str, dict[str, Any]] | None = None,
    root: Path | None = None,
    checkpoints: Path | None = None,
) -> list[Fetched]:
    """Every file the first Paint of a widget fetches (`family`: one family, or 'all' for the
    home page's four), from the files the build copies: the widget's scripts, the runtime,
    painters.json, the family's models (only those) and the judge's. `records`: the exports'
    manifests (export.check_export of each exported name), read when not given."""
    if records is None:
        records = {name: export.check_export(name, root, checkpoints) for name in export.exported_names()}
    index = site_index(records)
    out = [Fetched(name, "runtime", *file_sizes(WIDGET_SCRIPTS / name)) for name in widget_modules()]
    ort = check_runtime()
    out += [Fetched(f"ort/{name}", "runtime", *file_sizes(ort / name)) for name in ORT_FILES]
    data = index_bytes(index)
    out.append(Fetched("painters.json", "runtime", len(data), gzip_size(data)))
    families = list(index["painters"]) if family == "all" else [family]
    entries = [index["painters"][f] for f in families if f in index["painters"]]
    for entry in [*entries, *([index["judge"]] if index["judge"] else [])]:
        source = export.export_folder(entry["name"], entry["weights_sha256"], root)
        for graph in entry["graphs"].values():
            out.append(Fetched(f"{entry['folder']}/{graph['file']}", "models", *file_sizes(source / graph["file"])))
    return out


def megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def cost_text(fetched: list[Fetched]) -> str:
    """What the status line says before the first Paint, e.g. '; the first Paint fetches 19.9 MB
    (5.6 MB gzipped): the runtime 14.4 MB and the models 5.5 MB (the judge's included)'."""
    total = sum(f.bytes for f in fetched)
    gzipped = sum(f.gzip_bytes for f in fetched)
    runtime = sum(f.bytes for f in fetched if f.part == "runtime")
    return (
        f"; the first Paint fetches {megabytes(total)} ({megabytes(gzipped)} gzipped): "
        f"the runtime {megabytes(runtime)} and the models {megabytes(total - runtime)} (the judge’s included)"
    )


_COST = re.compile(r'<span class="painter-cost" data-family="([a-z]+)">.*?</span>', re.S)


def fill_costs(html: str, cost: Any = None) -> str:
    """Write into every widget's status line (its span.painter-cost) what its first Paint
    fetches, with the byte counts in data-bytes and data-gzip-bytes (the widget's progress bar
    reads them). `cost(family) -> list[Fetched]`: first_paint by default."""
    cost = cost or first_paint

    def fill(match: re.Match[str]) -> str:
        fetched = cost(match[1])
        total, gzipped = sum(f.bytes for f in fetched), sum(f.gzip_bytes for f in fetched)
        return (
            f'<span class="painter-cost" data-family="{match[1]}" data-bytes="{total}" '
            f'data-gzip-bytes="{gzipped}">{cost_text(fetched)}</span>'
        )

    return _COST.sub(fill, html)


def _copy(source: Path, target: Path) -> None:
    if (
        not target.exists()
        or target.stat().st_size != source.stat().st_size
        or target.read_bytes() != source.read_bytes()
    ):
        shutil.copyfile(source, target)


#: TensorFlow.js for the ring experiment on the GAN page: the files docs/assets/painter/ring.js
#: fetches on Train (the core, its WebAssembly backend and that backend's SIMD build), each with
#: the npm package it comes from. The build copies them into the site's assets/painter/tfjs/.
TFJS_FILES = {
    "tf-core.min.js": "@tensorflow/tfjs-core",
    "tf-backend-wasm.min.js": "@tensorflow/tfjs-backend-wasm",
    "tfjs-backend-wasm-simd.wasm": "@tensorflow/tfjs-backend-wasm",
}


def tfjs_files() -> dict[str, Path]:
    """TFJS_FILES in node_modules (the folder ort_dist finds onnxruntime-web in): name -> path."""
    node_modules = ort_dist().parents[1]
    return {name: node_modules / package / "dist" / name for name, package in TFJS_FILES.items()}


def copy_tfjs_into_site(site_dir: str | Path) -> Path:
    """For the build (on_post_build): copy TensorFlow.js's files into site_dir/assets/painter/tfjs/."""
    files = tfjs_files()
    missing = [path for path in files.values() if not path.is_file()]
    if missing:
        raise store.CheckpointError(
            f"TensorFlow.js is not installed ({missing[0]} is missing); run `npm ci --ignore-scripts`"
        )
    out = Path(site_dir) / SITE_FOLDER / "tfjs"
    out.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():
        _copy(path, out / name)
    return out
