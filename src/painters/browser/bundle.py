"""The in-page painters' files in the built site: the runtime, the models, painters.json.

The site gets `assets/painter/`: the runtime (onnxruntime-web's wasm-only build, its loader
and its .wasm, copied from node_modules, pinned in package.json; nothing from a CDN), the models
in a folder per painter named by its weights' hash (a retrained painter is a new URL, never a
stale cache hit), and `painters.json`: the prompt rules (canvas.prompt_rules), every
painter's export manifest and the judge's. The widget's own JS and CSS are plain files under docs/assets/painter/.
"""

from __future__ import annotations

import json
import shutil
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
    (out / "painters.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    return out


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
