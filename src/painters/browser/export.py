"""The painters' graphs exported to ONNX, checked like checkpoints, for painting in the browser.

`python -m painters export` (and the site build, through `ensure_current`) writes, for the
committed checkpoint of every painting family, the graphs its sampler calls (graphs.py) and a
manifest beside them; the JavaScript samplers in docs/assets/painter/samplers.js run the same
sampling loops as the families' Python samplers, with onnxruntime-web calling the graphs.

Decisions, and why:

- `torch.onnx.export(..., dynamo=False, opset_version=17)` after
  `torch.backends.mha.set_fastpath_enabled(False)` (the fast path of TransformerEncoderLayer
  has no ONNX form).
- Where: `.cache/onnx/<name>-<first 12 of the weights' sha256>/` (not committed; rebuilt by
  the build when missing). The folder's `manifest.json` records the checkpoint's weights and
  behaviour, a hash of the exporter's code (a changed exporter re-exports), the sampler's
  settings the JavaScript needs, and each graph's size and sha256. `check_export` refuses an
  export that does not match the committed checkpoint, or whose files changed, naming
  `python -m painters export`, as loading refuses a stale checkpoint. Each .onnx file also
  carries the weights' sha256 in its metadata. A graph file is always a plain name inside its
  export's folder, and every field the site reads is checked (a manifest is a file anyone can
  edit: a path out of the tree, a missing size, a nested bomb are refused, then made again).
- Before anything is exported, the exports' folder is checked: a folder (not a file, not under
  one), writable, with room for the graphs. An export folder that is a link or a file is
  replaced by a real folder, never followed. Two exports of one painter at once take turns.
- Exports are byte-for-byte reproducible (the determinism check builds the site twice).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import filelock
import torch

from painters.browser import graphs
from painters.checkpoints import loading, store
from painters.core import files, folders, paths
from painters.families import registry

OPSET = 17
FORMAT = 1  # of manifest.json; bump when its fields change
COMMAND = "python -m painters export"


def exporter_hash() -> str:
    """A hash of the exporter's code (this file and graphs.py): an export made by other code is re-made."""
    return files.code_hash([Path(__file__), Path(__file__).with_name("graphs.py")])


def export_folder(name: str, weights_sha256: str, root: Path | None = None) -> Path:
    """Where a checkpoint's export lives: root/<name>-<first 12 of its weights' sha256>."""
    return (root or paths.CACHE_DIR / "onnx") / f"{registry.check_name(name)}-{weights_sha256[:12]}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def _export_mode() -> Iterator[None]:
    """The fast path of attention has no ONNX form; it is switched off only while exporting."""
    previous = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        yield
    finally:
        torch.backends.mha.set_fastpath_enabled(previous)


def onnx_bytes(graph: graphs.Graph, weights_sha256: str = "") -> bytes:
    """One graph as ONNX (opset 17), with the checkpoint's sha256 in its metadata."""
    import warnings

    import onnx

    with tempfile.TemporaryDirectory() as tmp, _export_mode(), torch.no_grad(), warnings.catch_warnings():
        path = Path(tmp) / "graph.onnx"
        warnings.simplefilter("ignore")  # tracer warnings about Python values: the shapes are static
        torch.onnx.export(
            graph.module.eval(),
            tuple(graph.inputs.values()),
            path,
            dynamo=False,
            opset_version=OPSET,
            input_names=list(graph.inputs),
            output_names=list(graph.outputs),
            dynamic_axes=graph.dynamic_axes or None,
            do_constant_folding=True,
        )
        proto = onnx.load_from_string(path.read_bytes())
    if weights_sha256:
        entry = proto.metadata_props.add()
        entry.key, entry.value = "weights_sha256", weights_sha256
    return proto.SerializeToString()


def export_painter(name: str, root: Path | None = None, checkpoints: Path | None = None) -> Path:
    """Export a checkpoint's graphs and manifest into its folder under root; the folder path.

    The checkpoint is loaded (and so checked) as sampling loads it. The folder is written
    beside its target and renamed into place: an interrupted export leaves no half folder.
    """
    family = registry.family_of(name)
    if family not in graphs.BUILDERS:
        exported = ", ".join(graphs.BUILDERS)
        raise ValueError(f"no ONNX export for {name!r} (family {family!r}); exported families: {exported}")
    model, manifest = loading.load_model(name, checkpoints)
    target = export_folder(name, manifest.weights_sha256, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    written: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for graph in graphs.graphs_of(family, model):
            data = onnx_bytes(graph, manifest.weights_sha256)
            (work / f"{graph.name}.onnx").write_bytes(data)
            written[graph.name] = {
                "file": f"{graph.name}.onnx",
                "bytes": len(data),
                "sha256": _sha256(data),
                "inputs": {k: list(v.shape) for k, v in graph.inputs.items()},
                "outputs": list(graph.outputs),
            }
        record = {
            "format": FORMAT,
            "name": name,
            "family": family,
            "label": registry.get(family).label,
            "weights_sha256": manifest.weights_sha256,
            "behaviour": loading.behaviour_digest(manifest),
            "exporter_hash": exporter_hash(),
            "opset": OPSET,
            "torch_version": torch.__version__.split("+")[0],
            "settings": graphs.BUILDERS[family].settings(model),
            "graphs": written,
        }
        (work / "manifest.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
        os.chmod(work, 0o755)
        _move_into_place(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def _move_into_place(work: Path, target: Path) -> None:
    """Replace target (a folder, or a link or a file in its place: removed, never followed) by
    work. Two exports of one checkpoint take turns on a lock; should one still find the other's
    folder arrived in between, that folder is the same export, and is kept."""
    lock = filelock.FileLock(target.with_name(f".{target.name}.lock"))
    with lock:
        try:
            if target.is_symlink() or target.is_file():
                target.unlink()
            elif target.exists():
                shutil.rmtree(target)
            os.replace(work, target)
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not target.is_dir():
                raise
            shutil.rmtree(work, ignore_errors=True)
        finally:
            Path(lock.lock_file).unlink(missing_ok=True)


def check_export(name: str, root: Path | None = None, checkpoints: Path | None = None) -> dict[str, Any]:
    """The manifest of a checkpoint's export, after checking it is whole and current.

    Refused with a CheckpointError naming the fix: no export, one made for other weights or
    other code (the checkpoint's source hash, or this exporter), and graph files that are
    missing or changed since export.
    """
    fix = f"run `{COMMAND}`" + (f" {registry.family_of(name)}" if name in _candidates() else "")
    current = store.read_manifest(name, checkpoints, fix=f"run `{loading.retrain_command(name)}`")
    folder = export_folder(name, current.weights_sha256, root)
    path = folder / "manifest.json"
    if not path.is_file():
        raise store.CheckpointError(f"no ONNX export of {name!r} for its current weights ({folder}); {fix}")
    if folder.is_symlink() or not folder.is_dir() or path.is_symlink():
        raise store.CheckpointError(f"the export folder {folder} is not a plain folder; delete it and {fix}")
    try:
        record = files.parse_json(path.read_bytes())
    except (ValueError, OSError) as error:
        raise store.CheckpointError(f"export manifest {path} is unreadable ({error}); {fix}") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise store.CheckpointError(f"export manifest {path} is of another format; {fix}")
    family = registry.family_of(name)
    expected = {"name": name, "family": family, "label": registry.get(family).label, "opset": OPSET}
    wrong = [key for key, value in expected.items() if record.get(key) != value]
    wrong += [key for key in ("settings", "graphs") if not isinstance(record.get(key), dict)]
    if wrong:
        raise store.CheckpointError(f"export manifest {path} has a wrong or missing {wrong[0]!r}; {fix}")
    for key, want in (
        ("weights_sha256", current.weights_sha256),
        ("behaviour", loading.behaviour_digest(current)),
        ("exporter_hash", exporter_hash()),
    ):
        if record.get(key) != want:
            what = "the exporter's code" if key == "exporter_hash" else "the checkpoint"
            raise store.CheckpointError(f"the ONNX export of {name!r} is stale: {what} changed since; {fix}")
    listed = record["graphs"]
    if not listed:
        raise store.CheckpointError(f"export manifest {path} lists no graphs; {fix}")
    for graph_name, graph in listed.items():
        if not isinstance(graph, dict) or not all(isinstance(graph.get(k), t) for k, t in GRAPH_FIELDS.items()):
            fields = ", ".join(f"{k} ({t.__name__})" for k, t in GRAPH_FIELDS.items())
            raise store.CheckpointError(f"export manifest {path}: graph {graph_name!r} lacks one of {fields}; {fix}")
        file = _inside(folder, graph["file"], path, fix)
        data = file.read_bytes() if file.is_file() else b""
        if not data or len(data) != graph["bytes"] or _sha256(data) != graph["sha256"]:
            raise store.CheckpointError(f"{file} is missing or changed since export; {fix}")
        problem = _graph_problem(data, current.weights_sha256)
        if problem:
            raise store.CheckpointError(f"{file} {problem}; {fix}")
    return dict(record)


def _graph_problem(data: bytes, weights_sha256: str) -> str:
    """'' for a graph exported from these weights with finite numbers in it, else what is wrong:
    a graph and its sha256 in the manifest can both be edited, its metadata and numbers less easily."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    try:
        proto = onnx.load_from_string(data)
    except Exception as error:  # protobuf raises its own DecodeError, and others of its own
        return f"is not an ONNX graph ({type(error).__name__})"
    if {p.key: p.value for p in proto.metadata_props}.get("weights_sha256") != weights_sha256:
        return "was not exported from the checkpoint's weights"
    for tensor in proto.graph.initializer:
        array = numpy_helper.to_array(tensor)
        if array.dtype.kind == "f" and not bool(np.isfinite(array).all()):
            return f"holds numbers that are not finite (NaN or infinity in {tensor.name})"
    return ""


#: What the site reads of each graph in an export manifest, and its type.
GRAPH_FIELDS: dict[str, type] = {"file": str, "bytes": int, "sha256": str, "inputs": dict, "outputs": list}


def _inside(folder: Path, name: object, manifest: Path, fix: str) -> Path:
    """A graph file named by an export manifest: a plain file name in the export's own folder,
    never a path that leads anywhere else (a manifest could be edited to name ../../x)."""
    if not isinstance(name, str) or not name or Path(name).name != name or name in (".", ".."):
        raise store.CheckpointError(f"export manifest {manifest} names a graph file {name!r} outside its folder; {fix}")
    file = folder / name
    if file.is_symlink() or file.resolve().parent != folder.resolve():
        raise store.CheckpointError(f"{file} is not a plain file in {folder}; {fix}")
    return file


#: The checkpoint that reads the painters' pictures in the page, exported beside them.
JUDGE = "judge"


def _candidates() -> tuple[str, ...]:
    return (*registry.painters(), JUDGE)


def exported_names() -> tuple[str, ...]:
    """The checkpoints the site paints with: each painting family's committed one (named after
    it), and the judge that reads their pictures. A family without a builder is left out
    (export_all says so)."""
    return tuple(name for name in _candidates() if name in graphs.BUILDERS)


def export_all(
    names: Sequence[str] | None = None,
    root: Path | None = None,
    checkpoints: Path | None = None,
    *,
    force: bool = False,
    say: Callable[[str], None] = lambda line: None,
) -> dict[str, dict[str, Any]]:
    """Export every named checkpoint (default: every painter's, and the judge's) whose export is missing or stale
    (or all, with force); their checked manifests. Everything is checked before anything is
    written: an unknown name, a family without an exporter, a stale checkpoint."""
    if names is None:
        names = _candidates()
        for skipped in [n for n in names if n not in graphs.BUILDERS]:
            say(f"skipped {skipped}: no ONNX export for its family (browser/graphs.py)")
        names = [n for n in names if n in graphs.BUILDERS]
    need = 0
    for name in names:
        family = registry.family_of(name)
        registry.get(family)
        if family not in graphs.BUILDERS:
            raise ValueError(f"no ONNX export for {name!r}; exported families: {', '.join(graphs.BUILDERS)}")
        loading.load_model(name, checkpoints)  # whole and current, or a CheckpointError naming the retrain
        need += (store.checkpoints_dir(checkpoints) / f"{name}.safetensors").stat().st_size  # a graph holds its weights
    where = root or paths.CACHE_DIR / "onnx"
    folders.check(where, need, f"the ONNX exports ({folders.short(where)})", "name another folder with --out")
    done: dict[str, dict[str, Any]] = {}
    for name in names:
        if not force:
            try:
                done[name] = check_export(name, root, checkpoints)
                say(f"current {name}: {_describe(done[name])}")
                continue
            except store.CheckpointError:
                pass
        folder = export_painter(name, root, checkpoints)
        done[name] = check_export(name, root, checkpoints)
        say(f"exported {name} to {folder}: {_describe(done[name])}")
    return done


def _describe(record: dict[str, Any]) -> str:
    return ", ".join(f"{g} {v['bytes'] / 1e6:.2f} MB" for g, v in record["graphs"].items())


def ensure_current(root: Path | None = None, checkpoints: Path | None = None) -> dict[str, dict[str, Any]]:
    """For the build (on_pre_build): every painter's export, re-made where missing, stale or
    tampered with (each one re-made is logged)."""
    log = logging.getLogger("painters.export")
    return export_all(None, root, checkpoints, say=lambda line: log.info(line) if line.startswith("exported") else None)
