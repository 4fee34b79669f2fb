"""The painters in the reader's browser: each committed painter's inference graphs as ONNX.

`python -m painters export` (and the site build, through `ensure_current` and `copy_into_site`)
writes, for the committed checkpoint of every painting family, the graphs its sampler calls,
and a manifest beside them; the JavaScript samplers in docs/assets/painter/samplers.js run the
same sampling loops as the families' Python samplers, with onnxruntime-web calling the graphs.

What is exported, per family (a family without a builder in BUILDERS is skipped, and said so):

- gan: `generator` (z, tokens) -> image, the averaged generator the Python sampler uses.
- vae: `prior` tokens -> (text, mu, sigma) and `decoder` (z, text) -> image. The prompt vector
  is an output, so the latent walk re-runs the decoder alone.
- diffusion: `denoiser` (x, t, tokens, guidance) -> guided v: one call per DDIM step, the
  prompt and no-prompt pair in one batch of two, mixed inside the graph as diffusion.guided_v
  mixes them.
- autoregressive: `prompt` tokens -> the two start vectors (prompt, no prompt); `step`, one
  cached decoding step: the start vectors or the previous token, the KV cache of every layer in
  (length P, P = 0 at the first step) and out (P + 1), and the inverse-CDF table of the guided,
  tempered next-token distribution out; `decoder` (ids, mask) -> image, the tokenizer's decoder,
  masked as autoregressive.decode_tokens masks the tokens not written yet. The cumulative
  distribution is computed inside the graph in float32, as torch computes it, so a uniform draw
  picks the same token in the browser as in Python.

Decisions, and why:

- Batch 1, static shapes (except the KV cache's length): the widget paints one picture per
  painter, static shapes let onnxruntime plan its memory once, and the families' code calls
  `len(t)` (diffusion's embed) which tracing would bake in as a constant anyway.
- The graphs wrap the families' own submodules (the generator, the prior, model.step and its
  Block caches...), never a re-implementation: tests/test_export.py compares every graph in
  onnxruntime with the families' own functions (max abs difference <= 1e-4).
- `torch.onnx.export(..., dynamo=False, opset_version=17)` after
  `torch.backends.mha.set_fastpath_enabled(False)` (docs TOOLCHAIN: the fast path of
  TransformerEncoderLayer has no ONNX form).
- Where: `.cache/onnx/<name>-<first 12 of the weights' sha256>/` (not committed; rebuilt by
  the build when missing). The folder's `manifest.json` records the checkpoint's
  weights_sha256 and source hash, a hash of this file (a changed exporter re-exports), the
  sampler's settings the JavaScript needs, and each graph's size and sha256. `check_export`
  refuses an export that does not match the committed checkpoint, or whose files changed,
  naming `python -m painters export`, as the store refuses a stale checkpoint. Each .onnx file
  also carries the weights' sha256 in its metadata.
- Exports are byte-for-byte reproducible (the determinism check builds the site twice).
- The site gets `assets/painter/`: the runtime (onnxruntime-web's wasm-only build, its loader
  and its .wasm, copied from node_modules, pinned in package.json; nothing from a CDN), the models in a
  folder per painter named by its weights' hash (a retrained painter is a new URL, never a stale
  cache hit), and `painters.json`: the prompt rules (world.prompt_rules) and every painter's
  manifest. The widget's own JS and CSS are plain files under docs/assets/painter/.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from painters import registry, store, world
from painters.autoregressive import GRID, LENGTH, Block

EXPORT_DIR = store.REPO_DIR / ".cache" / "onnx"
#: What the site needs of onnxruntime-web: its wasm-only ES module, and the Emscripten loader and
#: SIMD wasm that it imports from wasmPaths (the site's own folder; one thread is enough for it).
ORT_FILES = ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")
SITE_FOLDER = "assets/painter"
OPSET = 17
FORMAT = 1  # of manifest.json; bump when its fields change
COMMAND = "python -m painters export"


# --- graphs ----------------------------------------------------------------------------------


@dataclass
class Graph:
    """One ONNX file: a module, example inputs (in the module's argument order), output names."""

    name: str
    module: nn.Module
    inputs: dict[str, torch.Tensor]
    outputs: tuple[str, ...]
    dynamic_axes: dict[str, dict[int, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Builder:
    """A family's graphs, and the settings its JavaScript sampler reads from the manifest."""

    graphs: Callable[[Any], list[Graph]]
    settings: Callable[[Any], dict[str, Any]]


def _tokens() -> torch.Tensor:
    return torch.tensor([world.encode(world.SHARED_PROMPT)], dtype=torch.long)


def _scalar(value: float) -> torch.Tensor:
    return torch.tensor([value], dtype=torch.float32)


# GAN ------------------------------------------------------------------------------------------


def _gan_graphs(model: Any) -> list[Graph]:
    g = model.generator_ema
    return [Graph("generator", g, {"z": torch.randn(1, g.z_dim), "tokens": _tokens()}, ("image",))]


def _gan_settings(model: Any) -> dict[str, Any]:
    return {"z_dim": model.config.z_dim}


# VAE ------------------------------------------------------------------------------------------


class VaePrior(nn.Module):
    """tokens -> (prompt vector, mu_p, sigma_p), as vae.prior_of computes them."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.text, self.prior = model.text, model.prior

    def forward(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        text = self.text(tokens)
        mu_p, logvar_p = self.prior(text)
        return text, mu_p, (0.5 * logvar_p).exp()


def _vae_graphs(model: Any) -> list[Graph]:
    c = model.config
    return [
        Graph("prior", VaePrior(model), {"tokens": _tokens()}, ("text", "mu", "sigma")),
        Graph(
            "decoder",
            model.decoder,
            {"z": torch.randn(1, c.latent_dim), "text": torch.randn(1, c.text_dim)},
            ("image",),
        ),
    ]


def _vae_settings(model: Any) -> dict[str, Any]:
    return {"latent_dim": model.config.latent_dim}


# Diffusion ------------------------------------------------------------------------------------

#: diffusion.alpha_bar's cosine schedule: s, and the clamp of alpha_bar. The JS sampler computes
#: the schedule from these; tests/test_browser_samplers.py checks it against alpha_bar at every t.
COSINE_SCHEDULE = {"s": 0.008, "min": 1e-5, "max": 1.0}


class GuidedDenoiser(nn.Module):
    """(x_t, t, tokens, guidance) -> guided v: diffusion.guided_v's pair in one batch of two."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.net = model.ema

    def forward(self, x: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor, guidance: torch.Tensor) -> torch.Tensor:
        net = self.net
        emb = torch.cat([net.embed(t, tokens), net.embed(t, None)])
        v_prompt, v_free = net(torch.cat([x, x]), emb).chunk(2)
        return v_free + guidance * (v_prompt - v_free)


def _diffusion_graphs(model: Any) -> list[Graph]:
    inputs = {
        "x": torch.randn(1, 3, world.SIZE, world.SIZE),
        "t": torch.tensor([500.0]),
        "tokens": _tokens(),
        "guidance": _scalar(model.config.guidance),
    }
    return [Graph("denoiser", GuidedDenoiser(model), inputs, ("v",))]


def _diffusion_settings(model: Any) -> dict[str, Any]:
    c = model.config
    return {
        "timesteps": c.timesteps,
        "sample_steps": c.sample_steps,
        "guidance": c.guidance,
        "schedule": "cosine",
        **COSINE_SCHEDULE,
    }


# Autoregressive -------------------------------------------------------------------------------


class ArPrompt(nn.Module):
    """tokens -> the start vectors (2, dim): the prompt read into one vector, and "no prompt"."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.model.prompt_vector(tokens, 1), self.model.prompt_vector(None, 1)])


class ArStep(nn.Module):
    """One cached decoding step of autoregressive.sample_tokens, for the pair (prompt, no prompt).

    In: the start vectors, `first` (1 at the first step: the new position is the start vector;
    0 after: it is the previous token `prev` at position `pos`), guidance, temperature, and the
    keys and values of every layer for the P positions so far (2, heads, P, head_dim). Out: the
    cumulative distribution of the next token (1, K), and the caches grown to P + 1."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(
        self,
        start: torch.Tensor,
        first: torch.Tensor,
        prev: torch.Tensor,
        pos: torch.Tensor,
        guidance: torch.Tensor,
        temperature: torch.Tensor,
        *past: torch.Tensor,
    ) -> tuple[torch.Tensor, ...]:
        m = self.model
        token = m.token(torch.cat([prev, prev])) + m.position[0].index_select(0, pos)  # (2, dim)
        x = (first * start + (1 - first) * token)[:, None]  # exactly one of the two: 0 * finite = 0
        present: list[torch.Tensor] = []
        for i, block in enumerate(m.blocks):
            x, k, v = _cached_block(block, x, past[2 * i], past[2 * i + 1])
            present += [k, v]
        logits = m.head(m.norm(x[:, -1]))
        cond, free = logits.chunk(2)
        mixed = (free + guidance * (cond - free)) / temperature.clamp(min=1e-4)
        cdf = mixed.softmax(-1).cumsum(-1)
        return (cdf, *present)


def _cached_block(
    block: Block, x: torch.Tensor, past_k: torch.Tensor, past_v: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """autoregressive.Block.forward with a cache, for one new position, in traceable form.

    Block.forward picks causal attention from the traced length (`t > 1`), which tracing turns
    into a tensor that scaled_dot_product_attention refuses; with one new position the answer is
    always "not causal" (it may see every cached position), so this calls the block's own layers
    with that answer fixed. The parity test holds it to model.step."""
    b, t, c = x.shape
    heads = block.heads
    q, k, v = block.qkv(block.norm1(x)).view(b, t, 3, heads, c // heads).permute(2, 0, 3, 1, 4)
    k, v = torch.cat([past_k, k], dim=2), torch.cat([past_v, v], dim=2)
    y = F.scaled_dot_product_attention(q, k, v, is_causal=False)
    x = x + block.proj(y.transpose(1, 2).reshape(b, t, c))
    return x + block.mlp(block.norm2(x)), k, v


class ArDecoder(nn.Module):
    """(ids (1, 64), mask (1, 64)) -> image: the tokenizer's decoder, blank where mask is 0."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.tokenizer = model.tokenizer

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        images = self.tokenizer.decode(ids)
        m = F.interpolate(mask.view(-1, 1, GRID, GRID), scale_factor=float(world.SIZE // GRID), mode="nearest")
        return images * m


def _ar_cache_names(model: Any, kind: str) -> list[str]:
    return [f"{kind}_{key}{i}" for i in range(len(model.blocks)) for key in ("k", "v")]


def _ar_graphs(model: Any) -> list[Graph]:
    c = model.config
    head = c.dim // c.heads
    past = {name: torch.randn(2, c.heads, 3, head) for name in _ar_cache_names(model, "past")}
    step_inputs = {
        "start": torch.randn(2, c.dim),
        "first": _scalar(0.0),
        "prev": torch.tensor([1], dtype=torch.long),
        "pos": torch.tensor([2], dtype=torch.long),
        "guidance": _scalar(c.guidance),
        "temperature": _scalar(c.temperature),
        **past,
    }
    presents = tuple(_ar_cache_names(model, "present"))
    axes = {name: {2: "past"} for name in past} | {name: {2: "present"} for name in presents}
    ids = torch.randint(c.codebook, (1, LENGTH))
    return [
        Graph("prompt", ArPrompt(model), {"tokens": _tokens()}, ("start",)),
        Graph("step", ArStep(model), step_inputs, ("cdf", *presents), axes),
        Graph("decoder", ArDecoder(model), {"ids": ids, "mask": torch.ones(1, LENGTH)}, ("image",)),
    ]


def _ar_settings(model: Any) -> dict[str, Any]:
    c = model.config
    return {
        "codebook": c.codebook,
        "length": LENGTH,
        "grid": GRID,
        "layers": c.layers,
        "heads": c.heads,
        "dim": c.dim,
        "head_dim": c.dim // c.heads,
        "guidance": c.guidance,
        "temperature": c.temperature,
    }


BUILDERS: dict[str, Builder] = {
    "gan": Builder(_gan_graphs, _gan_settings),
    "vae": Builder(_vae_graphs, _vae_settings),
    "diffusion": Builder(_diffusion_graphs, _diffusion_settings),
    "autoregressive": Builder(_ar_graphs, _ar_settings),
}


# --- export, check -----------------------------------------------------------------------------


def exporter_hash() -> str:
    """A hash of this file's code: an export made by other code is re-made."""
    return store.source_hash(["export.py"], {})


def export_folder(name: str, weights_sha256: str, root: Path | None = None) -> Path:
    """Where a checkpoint's export lives: root/<name>-<first 12 of its weights' sha256>."""
    return (root or EXPORT_DIR) / f"{store.check_name(name)}-{weights_sha256[:12]}"


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


def onnx_bytes(graph: Graph, weights_sha256: str = "") -> bytes:
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


def graphs_of(family: str, model: nn.Module) -> list[Graph]:
    """The graphs of a family's model (ValueError for a family without a builder)."""
    if family not in BUILDERS:
        raise ValueError(f"no ONNX export for family {family!r}; exported families: {', '.join(BUILDERS)}")
    return BUILDERS[family].graphs(model)


def export_painter(name: str, root: Path | None = None, checkpoints: Path | None = None) -> Path:
    """Export a checkpoint's graphs and manifest into its folder under root; the folder path.

    The checkpoint is loaded (and so checked) as sampling loads it. The folder is written
    beside its target and renamed into place: an interrupted export leaves no half folder.
    """
    family = registry.family_of(name)
    if family not in BUILDERS:
        raise ValueError(f"no ONNX export for {name!r} (family {family!r}); exported families: {', '.join(BUILDERS)}")
    model, manifest = registry.load_model(name, checkpoints)
    target = export_folder(name, manifest.weights_sha256, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    graphs: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for graph in graphs_of(family, model):
            data = onnx_bytes(graph, manifest.weights_sha256)
            (work / f"{graph.name}.onnx").write_bytes(data)
            graphs[graph.name] = {
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
            "source_hash": manifest.source_hash,
            "exporter_hash": exporter_hash(),
            "opset": OPSET,
            "torch_version": torch.__version__.split("+")[0],
            "settings": BUILDERS[family].settings(model),
            "graphs": graphs,
        }
        (work / "manifest.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
        os.chmod(work, 0o755)
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def check_export(name: str, root: Path | None = None, checkpoints: Path | None = None) -> dict[str, Any]:
    """The manifest of a checkpoint's export, after checking it is whole and current.

    Refused with a CheckpointError naming the fix: no export, one made for other weights or
    other code (the checkpoint's source hash, or this exporter), and graph files that are
    missing or changed since export.
    """
    fix = f"run `{COMMAND}`" + (f" {registry.family_of(name)}" if name in registry.painters() else "")
    current = store.read_manifest(name, checkpoints, fix=f"run `{registry.retrain_command(name)}`")
    if registry.expected_hash(current) != current.source_hash:
        raise store.CheckpointError(
            f"checkpoint {name!r} is stale, and so is its export; run `{registry.retrain_command(name, current)}`, "
            f"then `{COMMAND}`"
        )
    folder = export_folder(name, current.weights_sha256, root)
    path = folder / "manifest.json"
    if not path.is_file():
        raise store.CheckpointError(f"no ONNX export of {name!r} for its current weights ({folder}); {fix}")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise store.CheckpointError(f"export manifest {path} is unreadable ({error}); {fix}") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise store.CheckpointError(f"export manifest {path} is of another format; {fix}")
    for key, want in (
        ("weights_sha256", current.weights_sha256),
        ("source_hash", current.source_hash),
        ("exporter_hash", exporter_hash()),
    ):
        if record.get(key) != want:
            what = "the exporter's code" if key == "exporter_hash" else "the checkpoint"
            raise store.CheckpointError(f"the ONNX export of {name!r} is stale: {what} changed since; {fix}")
    for graph in record["graphs"].values():
        file = folder / graph["file"]
        if not file.is_file() or _sha256(file.read_bytes()) != graph["sha256"]:
            raise store.CheckpointError(f"{file} is missing or changed since export; {fix}")
    return dict(record)


def exported_names() -> tuple[str, ...]:
    """The checkpoints the site paints with: each painting family's committed one (named after
    it). A family without a builder is left out (export_all says so)."""
    return tuple(name for name in registry.painters() if name in BUILDERS)


def export_all(
    names: Sequence[str] | None = None,
    root: Path | None = None,
    checkpoints: Path | None = None,
    *,
    force: bool = False,
    say: Callable[[str], None] = lambda line: None,
) -> dict[str, dict[str, Any]]:
    """Export every named checkpoint (default: every painter's) whose export is missing or stale
    (or all, with force); their checked manifests. Everything is checked before anything is
    written: an unknown name, a family without an exporter, a stale checkpoint."""
    if names is None:
        names = registry.painters()
        for skipped in [n for n in names if n not in BUILDERS]:
            say(f"skipped {skipped}: no ONNX export for its family (export.BUILDERS)")
        names = [n for n in names if n in BUILDERS]
    for name in names:
        family = registry.family_of(name)
        registry.get(family)
        if family not in BUILDERS:
            raise ValueError(f"no ONNX export for {name!r}; exported families: {', '.join(BUILDERS)}")
        registry.load_model(name, checkpoints)  # whole and current, or a CheckpointError naming the retrain
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
    """For the build (on_pre_build): every painter's export, re-made where missing or stale."""
    return export_all(None, root, checkpoints)


# --- the site ----------------------------------------------------------------------------------


def site_index(records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """painters.json: the prompt rules, and per family where its models are and its settings."""
    painters = {}
    for name, record in records.items():
        folder = f"models/{name}-{record['weights_sha256'][:12]}"
        painters[record["family"]] = {**record, "folder": folder}
    return {"format": FORMAT, "prompt_rules": world.prompt_rules(), "painters": painters}


def ort_dist() -> Path:
    """onnxruntime-web's dist folder, found as Node finds a package: in node_modules of the
    project folder or of any folder above it (the determinism check builds in a copy inside the
    checkout, without its own node_modules), then of the checkout this package lives in."""
    here = Path(__file__).resolve().parents[2]
    for start in (store.REPO_DIR, here):
        for folder in (start, *start.parents):
            dist = folder / "node_modules" / "onnxruntime-web" / "dist"
            if dist.is_dir():
                return dist
    return store.REPO_DIR / "node_modules" / "onnxruntime-web" / "dist"


def copy_into_site(site_dir: str | Path, root: Path | None = None, checkpoints: Path | None = None) -> Path:
    """For the build (on_post_build): copy the runtime, the current exports and painters.json
    into site_dir/assets/painter/. A stale export is refused (ensure_current re-makes them)."""
    ort = ort_dist()
    missing = [f for f in ORT_FILES if not (ort / f).is_file()]
    if missing:
        raise store.CheckpointError(
            f"onnxruntime-web is not installed ({ort / missing[0]} is missing); run `npm ci --ignore-scripts`"
        )
    out = Path(site_dir) / SITE_FOLDER
    records = {name: check_export(name, root, checkpoints) for name in exported_names()}
    (out / "ort").mkdir(parents=True, exist_ok=True)
    for name in ORT_FILES:
        _copy(ort / name, out / "ort" / name)
    models = out / "models"
    if models.exists():
        shutil.rmtree(models)  # a painter retrained under `mkdocs serve`: drop the old folder
    index = site_index(records)
    for name, record in records.items():
        source = export_folder(name, record["weights_sha256"], root)
        target = out / index["painters"][record["family"]]["folder"]
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


# --- the widget's HTML -------------------------------------------------------------------------

WIDGETS_DIR = Path(__file__).resolve().parents[2] / "docs" / "widgets"
#: Where each widget goes: the home page shows all four painters, a family page its own.
PLACES = ("home", "gan", "vae", "diffusion", "autoregressive")


def widget_html(place: str) -> str:
    """The HTML of one widget (docs/widgets/<place>.md, included in a page with --8<--).

    It is hidden until its small inline script runs, so without JavaScript the page is as it
    was. The words list comes from world.py (a test checks the files are current; `python -m
    painters export --widgets` rewrites them). Nothing else is fetched until the first Paint."""
    from html import escape

    if place not in PLACES:
        raise ValueError(f"unknown widget place {place!r}; choose one of: {', '.join(PLACES)}")
    family = "all" if place == "home" else place
    rules = world.prompt_rules()
    synonyms: dict[str, dict[str, list[str]]] = rules["synonyms"]  # type: ignore[assignment]
    uid = f"painter-{place}"
    groups = []
    for attribute, values in synonyms.items():
        buttons = " ".join(
            f'<button type="button" class="painter-word" data-word="{escape(w)}">{escape(w)}</button>'
            for words in values.values()
            for w in words
        )
        groups.append(f'<li><span class="painter-word-group">{escape(attribute)}:</span> {buttons}</li>')
    filler = " ".join(escape(w) for w in world.FILLER)
    groups.append(f'<li><span class="painter-word-group">and:</span> {filler}</li>')
    examples = [world.SHARED_PROMPT, *(s.prompt for s in world.HELD_OUT)]
    options = "".join(f'<option value="{escape(p)}"></option>' for p in examples)
    what = "all four painters" if family == "all" else f"the {registry.get(family).label} painter"
    lines = [
        f'<div class="painter-widget" data-family="{family}" id="{uid}" hidden>',
        f'<form class="painter-form" aria-label="Paint a prompt with {what}, here in your browser">',
        '<div class="painter-row">',
        f'<label for="{uid}-prompt">Prompt</label>',
        f'<input id="{uid}-prompt" name="prompt" type="text" list="{uid}-examples" autocomplete="off" '
        f'spellcheck="false" maxlength="{world.MAX_PROMPT_CHARS}" value="{escape(world.SHARED_PROMPT)}" '
        f'aria-describedby="{uid}-error">',
        f'<datalist id="{uid}-examples">{options}</datalist>',
        f'<label for="{uid}-seed">Seed</label>',
        f'<input id="{uid}-seed" name="seed" type="number" min="0" max="999999" step="1" value="0">',
        '<button type="submit" class="md-button md-button--primary painter-paint">Paint</button>',
        "</div>",
        '<details class="painter-words"><summary>Words the painters know</summary>',
        f"<ul>{''.join(groups)}</ul></details>",
        f'<div class="painter-knobs" data-knobs="{family}"></div>',
        f'<p class="painter-error" id="{uid}-error" role="alert"></p>',
        f'<p class="painter-status" role="status" aria-live="polite">Press Paint: {what} will paint the '
        "prompt here, in your browser (the first Paint loads the models, a few MB).</p>",
        "</form>",
        '<div class="painter-canvases"></div>',
        "</div>",
        f'<script type="module">{_BOOT.replace("UID", uid)}</script>',
    ]
    return "\n".join(lines) + "\n"


# The inline boot script: un-hide the widget, let word buttons add their word to the prompt, and
# load the painter's module (from the site's own folder, found from Material's __config base) on
# the first Paint. Kept small: it is all a page carries before the reader asks for a painting.
_BOOT = (
    "const w=document.getElementById('UID');w.hidden=false;"
    "const p=w.querySelector('input[name=prompt]');"
    "w.querySelectorAll('.painter-word').forEach(b=>b.addEventListener('click',()=>{"
    "p.value=(p.value.trim()+' '+b.dataset.word).trim();p.focus();}));"
    "let m;w.querySelector('form').addEventListener('submit',async e=>{e.preventDefault();"
    "const c=document.getElementById('__config');"
    "const base=new URL((c?JSON.parse(c.textContent).base:'.')+'/assets/painter/',location.href);"
    "m=m||import(new URL('painter.js',base).href).then(x=>x.mount(w,base.href));"
    "try{(await m).paint();}catch(x){m=null;w.querySelector('.painter-status').textContent="
    "'Could not load the painters: '+x.message;}});"
)


def write_widgets(folder: Path = WIDGETS_DIR) -> list[Path]:
    """Write docs/widgets/<place>.md for every place."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for place in PLACES:
        path = folder / f"{place}.md"
        path.write_text(widget_html(place), encoding="utf-8")
        written.append(path)
    return written


# --- the command line --------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> None:
    """`python -m painters export [FAMILY ...] [--force] [--out DIR] [--widgets]`."""
    if args.widgets:
        for path in write_widgets():
            print(f"wrote {path}")
        return
    names = list(dict.fromkeys(args.families)) or None
    root = args.out
    if root is not None and root.exists() and not root.is_dir():
        raise ValueError(f"--out {root}: not a folder; name a folder to write the exports into")
    export_all(names, root, force=args.force, say=print)


def add_subcommand(sub: Any) -> argparse.ArgumentParser:
    """Register `export` on the CLI's subparsers (painters.__main__.build_parser calls this)."""
    p: argparse.ArgumentParser = sub.add_parser(
        "export", help="write the painters' inference graphs as ONNX, for painting in the browser"
    )
    p.add_argument(
        "families", nargs="*", type=_family, metavar="FAMILY",
        help=f"which painters (default: all; choose from {', '.join(BUILDERS)})",
    )  # fmt: skip
    p.add_argument("--force", action="store_true", help="export again even where the export is current")
    p.add_argument("--out", type=Path, default=None, help=f"folder of the exports (default {EXPORT_DIR})")
    p.add_argument("--widgets", action="store_true", help="rewrite the widget HTML in docs/widgets/ instead")
    p.set_defaults(run=cmd_export)
    return p


def _family(text: str) -> str:
    if text not in BUILDERS:
        raise argparse.ArgumentTypeError(f"{text!r} is not an exported painter; choose from {', '.join(BUILDERS)}")
    return text
