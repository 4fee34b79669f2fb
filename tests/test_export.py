"""The ONNX export of the painters (painters.export): every graph against torch, staleness,
reproducibility, the site's files, the command line, and prompts read alike in Python and JS."""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from support import PROMPTS

from painters import __main__ as cli
from painters import canvas
from painters.browser import bundle, export, graphs, widget
from painters.canvas import words
from painters.checkpoints import loading, store
from painters.core import paths
from painters.families import autoregressive, diffusion, registry, vae

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-4


def _session(tiny_painters, name: str, graph: str):
    import onnxruntime as ort

    checkpoints, root = tiny_painters
    record = export.check_export(name, root, checkpoints)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    path = export.export_folder(name, record["weights_sha256"], root) / record["graphs"][graph]["file"]
    return ort.InferenceSession(str(path), options)


def _model(tiny_painters, name: str):
    return loading.load_model(name, tiny_painters[0])[0]


def _tokens(prompt: str) -> torch.Tensor:
    return torch.tensor([canvas.encode(prompt)])


def _close(onnx_out: np.ndarray, torch_out: torch.Tensor) -> float:
    difference = float(np.abs(onnx_out - torch_out.numpy()).max())
    assert difference <= TOLERANCE, difference
    return difference


# --- every graph, in onnxruntime, against the family's own torch functions ---------------------


@pytest.mark.parametrize("prompt", PROMPTS)
def test_gan_generator_matches_torch(tiny_painters, prompt):
    model = _model(tiny_painters, "gan")
    z = torch.randn(1, model.config.z_dim, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = model.generator_ema(z, _tokens(prompt))
    out = _session(tiny_painters, "gan", "generator").run(None, {"z": z.numpy(), "tokens": _tokens(prompt).numpy()})
    _close(out[0], expected)


@pytest.mark.parametrize("prompt", PROMPTS)
def test_vae_prior_and_decoder_match_torch(tiny_painters, prompt):
    model = _model(tiny_painters, "vae")
    text, mu, sigma = _session(tiny_painters, "vae", "prior").run(None, {"tokens": _tokens(prompt).numpy()})
    mu_p, sigma_p = vae.prior_of(model, prompt)
    _close(mu, mu_p)
    _close(sigma, sigma_p)
    z = vae.prior_latents(model, prompt, 1, seed=3, temperature=0.7)
    decoded = _session(tiny_painters, "vae", "decoder").run(None, {"z": z.numpy(), "text": text})[0]
    with torch.no_grad():
        _close(decoded, model.decoder(z, model.text(_tokens(prompt))))


@pytest.mark.parametrize("guidance", [0.0, 1.0, 1.5, 4.0])
def test_diffusion_denoiser_is_guided_v(tiny_painters, guidance):
    model = _model(tiny_painters, "diffusion")
    session = _session(tiny_painters, "diffusion", "denoiser")
    for i, (prompt, t) in enumerate(zip(PROMPTS, (1000, 517, 3), strict=True)):
        x = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(i))
        with torch.no_grad():
            expected = diffusion.guided_v(model, x, torch.tensor([t]), _tokens(prompt), guidance)
        feeds = {"x": x.numpy(), "t": np.array([t], np.float32), "tokens": _tokens(prompt).numpy(),
                 "guidance": np.array([guidance], np.float32)}  # fmt: skip
        _close(session.run(None, feeds)[0], expected)


def test_autoregressive_cached_step_writes_torchs_tokens(tiny_painters):
    """The prompt graph, then one step graph per token with the KV cache passed through (empty at
    the first step), against model.step with its own caches; the same uniform draws give the same
    64 tokens as autoregressive.sample_tokens, forced tokens included; and the tokenizer's decoder."""
    model = _model(tiny_painters, "autoregressive")
    c = model.config
    prompt_graph = _session(tiny_painters, "autoregressive", "prompt")
    step_graph = _session(tiny_painters, "autoregressive", "step")
    for seed, prompt, forced in ((0, PROMPTS[0], {}), (1, PROMPTS[1], {2: 5, 9: 0})):
        tokens = _tokens(prompt)
        start = prompt_graph.run(None, {"tokens": tokens.numpy()})[0]
        with torch.no_grad():
            expected_start = torch.cat([model.prompt_vector(tokens, 1), model.prompt_vector(None, 1)])
        _close(start, expected_start)
        past = {f"past_{k}{i}": np.zeros((2, c.heads, 0, c.dim // c.heads), np.float32)
                for i in range(c.layers) for k in "kv"}  # fmt: skip
        caches: list[dict[str, torch.Tensor]] = [{} for _ in model.blocks]
        x = expected_start[:, None]
        draws = torch.Generator().manual_seed(seed)
        ids: list[int] = []
        for i in range(autoregressive.LENGTH):
            feeds = {"start": start, "first": np.array([float(i == 0)], np.float32),
                     "prev": np.array([ids[-1] if ids else 0]), "pos": np.array([max(i - 1, 0)]),
                     "guidance": np.array([c.guidance], np.float32),
                     "temperature": np.array([c.temperature], np.float32), **past}  # fmt: skip
            cdf, *present = step_graph.run(None, feeds)
            with torch.no_grad():
                logits = model.step(x, caches)
                cond, free = logits.chunk(2)
                expected = ((free + c.guidance * (cond - free)) / c.temperature).softmax(-1).cumsum(-1)
            _close(cdf, expected)
            for j, cache in enumerate(caches):
                _close(present[2 * j], cache["k"])
                _close(present[2 * j + 1], cache["v"])
            past = {f"past_{k}{j}": present[2 * j + (k == "v")] for j in range(c.layers) for k in "kv"}
            u = torch.rand((1, 1), generator=draws).numpy()
            z = forced.get(i, min(int((cdf < u).sum()), c.codebook - 1))
            ids.append(z)
            with torch.no_grad():
                zz = torch.tensor([z, z])
                x = (model.token(zz) + model.position[0, i])[:, None]
        reference = autoregressive.sample_tokens(model, tokens, torch.Generator().manual_seed(seed), forced=forced)
        assert ids == reference[0].tolist()
        decoder = _session(tiny_painters, "autoregressive", "decoder")
        for n in (64, 10):
            mask = (np.arange(64) < n).astype(np.float32)[None]
            image = decoder.run(None, {"ids": reference.numpy(), "mask": mask})[0]
            expected_pixels = autoregressive.decode_tokens(model, reference[:, :n])
            assert np.abs(_to_pixels(image) - expected_pixels.astype(int)).max() <= 1


def _to_pixels(chw: np.ndarray) -> np.ndarray:
    from painters.families.shared import to_pixels

    return to_pixels(torch.from_numpy(chw)).astype(int)


def test_graphs_carry_the_weights_sha256(tiny_painters):
    import onnx

    checkpoints, root = tiny_painters
    for name in export.exported_names():
        record = export.check_export(name, root, checkpoints)
        folder = export.export_folder(name, record["weights_sha256"], root)
        for graph in record["graphs"].values():
            proto = onnx.load(str(folder / graph["file"]))
            assert {p.key: p.value for p in proto.metadata_props}["weights_sha256"] == record["weights_sha256"]
            assert proto.opset_import[0].version == export.OPSET


def test_manifest_records_what_the_js_sampler_needs(tiny_painters):
    checkpoints, root = tiny_painters
    records = {name: export.check_export(name, root, checkpoints) for name in export.exported_names()}
    assert set(records) == {"gan", "vae", "diffusion", "autoregressive", "judge"}
    for name, record in records.items():
        manifest = store.read_manifest(name, checkpoints)
        assert record["weights_sha256"] == manifest.weights_sha256
        assert record["behaviour"] == loading.behaviour_digest(manifest)
        folder = export.export_folder(name, record["weights_sha256"], root)
        for graph in record["graphs"].values():
            assert graph["bytes"] == (folder / graph["file"]).stat().st_size
    config = registry.config_of("diffusion", store.read_manifest("diffusion", checkpoints).config)
    settings = records["diffusion"]["settings"]
    assert (settings["timesteps"], settings["sample_steps"], settings["guidance"]) == (
        config.timesteps, config.sample_steps, config.guidance,
    )  # fmt: skip
    assert records["autoregressive"]["settings"]["length"] == autoregressive.LENGTH
    assert records["gan"]["settings"]["z_dim"] == store.read_manifest("gan", checkpoints).config["z_dim"]
    assert records["vae"]["settings"]["latent_dim"] == store.read_manifest("vae", checkpoints).config["latent_dim"]
    labels = records["judge"]["settings"]["labels"]
    assert labels == {**{k: list(v) for k, v in canvas.ATTRIBUTES.items()}, "object": [*canvas.OBJECTS, "none"]}


def test_export_is_byte_for_byte_reproducible(tiny_painters, tmp_path):
    checkpoints, root = tiny_painters
    again = export.export_painter("diffusion", tmp_path, checkpoints)
    record = export.check_export("diffusion", root, checkpoints)
    first = export.export_folder("diffusion", record["weights_sha256"], root)
    for name in ("denoiser.onnx", "manifest.json"):
        assert (again / name).read_bytes() == (first / name).read_bytes(), name


# --- staleness ---------------------------------------------------------------------------------


@pytest.fixture
def copied(tiny_painters, tmp_path):
    """A copy of the tiny checkpoints and exports that a test may spoil."""
    checkpoints, root = tiny_painters
    shutil.copytree(checkpoints, tmp_path / "checkpoints")
    shutil.copytree(root, tmp_path / "onnx")
    return tmp_path / "checkpoints", tmp_path / "onnx"


def _spoil_manifest(checkpoints: Path, name: str, **changes) -> None:
    path = checkpoints / f"{name}.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_an_export_of_other_weights_is_refused(copied):
    checkpoints, root = copied
    record = export.check_export("gan", root, checkpoints)
    # Retrained: new weights (here: one value changed), a manifest with their sha256.
    from safetensors.torch import load_file, save_file

    weights = load_file(str(checkpoints / "gan.safetensors"))
    key = next(iter(weights))
    weights[key] = weights[key] + 1
    save_file(weights, str(checkpoints / "gan.safetensors"), metadata={"name": "gan", "family": "gan"})
    _spoil_manifest(checkpoints, "gan", weights_sha256=store.file_sha256(checkpoints / "gan.safetensors"))
    with pytest.raises(store.CheckpointError, match=r"no ONNX export of 'gan'.*python -m painters export"):
        export.check_export("gan", root, checkpoints)
    # An export folder that claims the new weights but was made from the old ones.
    new = store.read_manifest("gan", checkpoints).weights_sha256
    shutil.copytree(export.export_folder("gan", record["weights_sha256"], root), export.export_folder("gan", new, root))
    with pytest.raises(store.CheckpointError, match=r"stale: the checkpoint changed.*python -m painters export"):
        export.check_export("gan", root, checkpoints)
    # ensure_current re-exports it, and the new export passes.
    loading._load_model.cache_clear()
    export.export_all(["gan"], root, checkpoints)
    assert export.check_export("gan", root, checkpoints)["weights_sha256"] == new


def test_a_changed_graph_file_or_exporter_is_refused(copied, monkeypatch):
    checkpoints, root = copied
    record = export.check_export("vae", root, checkpoints)
    decoder = export.export_folder("vae", record["weights_sha256"], root) / "decoder.onnx"
    decoder.write_bytes(decoder.read_bytes()[:-1] + b"\0")
    with pytest.raises(store.CheckpointError, match=r"decoder.onnx is missing or changed.*python -m painters export"):
        export.check_export("vae", root, checkpoints)
    decoder.unlink()
    with pytest.raises(store.CheckpointError, match="missing or changed"):
        export.check_export("vae", root, checkpoints)
    monkeypatch.setattr(export, "exporter_hash", lambda: "0" * 64)
    with pytest.raises(store.CheckpointError, match="stale: the exporter's code changed"):
        export.check_export("gan", root, checkpoints)


def test_a_stale_checkpoint_is_refused_with_the_retrain_command(copied):
    checkpoints, root = copied
    fingerprint = store.read_manifest("diffusion", checkpoints).fingerprint
    fingerprint["sampler"]["mean"] += 1.0  # as if other code had trained it
    _spoil_manifest(checkpoints, "diffusion", fingerprint=fingerprint)
    with pytest.raises(store.CheckpointError, match=r"export of 'diffusion' is stale: the checkpoint changed"):
        export.check_export("diffusion", root, checkpoints)
    loading._load_model.cache_clear()
    with pytest.raises(store.CheckpointError, match=r"'diffusion' is stale.*python -m painters train diffusion"):
        export.export_all(None, root, checkpoints)  # nothing exported over a stale checkpoint


def test_ensure_current_exports_only_what_is_missing_or_stale(copied):
    checkpoints, root = copied
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*.onnx")}
    said: list[str] = []
    export.export_all(None, root, checkpoints, say=said.append)
    assert all(line.startswith("current") for line in said), said
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*.onnx")} == before
    record = export.check_export("gan", root, checkpoints)
    shutil.rmtree(export.export_folder("gan", record["weights_sha256"], root))
    said.clear()
    export.export_all(None, root, checkpoints, say=said.append)
    assert [line.split()[0] for line in said] == ["exported", "current", "current", "current", "current"]  # + the judge


def test_bad_input_writes_nothing(tiny_painters, tmp_path, monkeypatch):
    checkpoints, _ = tiny_painters
    out = tmp_path / "nothing"
    with pytest.raises(ValueError, match="unknown family 'unet'"):
        export.export_all(["gan", "unet-1"], out, checkpoints)
    with monkeypatch.context() as patch:
        patch.setattr(graphs, "BUILDERS", {k: v for k, v in graphs.BUILDERS.items() if k != "judge"})
        with pytest.raises(ValueError, match=r"no ONNX export for 'judge'"):
            export.export_all(["gan", "judge"], out, checkpoints)
    with pytest.raises(store.CheckpointError, match="no checkpoint 'vae-beta4'"):
        export.export_all(["gan", "vae-beta4"], out, checkpoints)
    assert not out.exists()


def test_a_family_without_a_builder_is_skipped_with_a_message(tiny_painters, tmp_path, monkeypatch):
    checkpoints, root = tiny_painters
    monkeypatch.setattr(graphs, "BUILDERS", {k: v for k, v in graphs.BUILDERS.items() if k != "vae"})
    said: list[str] = []
    done = export.export_all(None, root, checkpoints, say=said.append)
    assert "vae" not in done
    assert any("skipped vae: no ONNX export" in line for line in said)


# --- the site ----------------------------------------------------------------------------------


def test_copy_into_site_lays_out_runtime_models_and_rules(tiny_painters, tmp_path):
    if not (bundle.ort_dist() / bundle.ORT_FILES[0]).is_file():
        pytest.skip("onnxruntime-web is not installed: run `npm ci --ignore-scripts`")
    checkpoints, root = tiny_painters
    out = bundle.copy_into_site(tmp_path, root, checkpoints)
    assert out == tmp_path / "assets" / "painter"
    for name in bundle.ORT_FILES:
        assert (out / "ort" / name).read_bytes() == (bundle.ort_dist() / name).read_bytes()
    index = json.loads((out / "painters.json").read_text())
    assert index["prompt_rules"] == canvas.prompt_rules()
    assert set(index["painters"]) == {"gan", "vae", "diffusion", "autoregressive"}
    assert index["judge"]["name"] == "judge"
    for family, info in [*index["painters"].items(), ("judge", index["judge"])]:
        assert info["folder"].startswith(f"models/{family}-")
        for graph in info["graphs"].values():
            assert (out / info["folder"] / graph["file"]).is_file()
    stale = out / "models" / "gan-000000000000"
    stale.mkdir()
    bundle.copy_into_site(tmp_path, root, checkpoints)  # again: a retrained painter's old folder goes
    assert not stale.exists()


def test_the_first_paints_bytes_are_the_files_the_site_serves(tiny_painters, tmp_path):
    """What the status line promises: each file a widget's first Paint fetches, read from the
    files laid out in the site, raw and gzipped at level 6; only the widget's own families'
    models and the judge's; the runtime is the widget's scripts, onnxruntime-web and painters.json."""
    if not (bundle.ort_dist() / bundle.ORT_FILES[0]).is_file():
        pytest.skip("onnxruntime-web is not installed: run `npm ci --ignore-scripts`")
    checkpoints, root = tiny_painters
    out = bundle.copy_into_site(tmp_path, root, checkpoints)
    shutil.copytree(bundle.WIDGET_SCRIPTS, out, dirs_exist_ok=True)  # as MkDocs copies docs/assets/
    assert bundle.widget_modules() == ["painter.js", "prompt.js", "samplers.js"]
    everything = {}
    for family in ("all", *registry.painters()):
        fetched = bundle.first_paint(family, root=root, checkpoints=checkpoints)
        paths_ = [f.path for f in fetched]
        assert len(paths_) == len(set(paths_)), paths_
        for f in fetched:
            data = (out / f.path).read_bytes()
            assert f.bytes == len(data), f.path
            assert f.gzip_bytes == len(gzip.compress(data, compresslevel=6)), f.path
            assert f.part == ("models" if f.path.startswith("models/") else "runtime"), f.path
        folders = {p.split("/")[1].rsplit("-", 1)[0] for p in paths_ if p.startswith("models/")}
        assert folders == ({*registry.painters(), "judge"} if family == "all" else {family, "judge"}), (family, folders)
        runtime = [p for p in paths_ if not p.startswith("models/")]
        assert runtime == [*bundle.widget_modules(), *(f"ort/{n}" for n in bundle.ORT_FILES), "painters.json"]
        everything[family] = fetched
    # The status line: the sums, in bytes for the progress bar and in MB for the reader.
    html = widget.widget_html("gan")
    assert '<span class="painter-cost" data-family="gan">' in html
    filled = bundle.fill_costs(html, lambda family: everything[family])
    total = sum(f.bytes for f in everything["gan"])
    gzipped = sum(f.gzip_bytes for f in everything["gan"])
    runtime = sum(f.bytes for f in everything["gan"] if f.part == "runtime")
    assert f'data-bytes="{total}" data-gzip-bytes="{gzipped}"' in filled
    assert f"the first Paint fetches {total / 1e6:.1f} MB ({gzipped / 1e6:.1f} MB gzipped)" in filled
    assert f"the runtime {runtime / 1e6:.1f} MB and the models {(total - runtime) / 1e6:.1f} MB" in filled
    assert gzipped < total


def test_copy_into_site_refuses_a_stale_export(copied, tmp_path):
    checkpoints, root = copied
    shutil.rmtree(root)
    with pytest.raises(store.CheckpointError, match="python -m painters export"):
        bundle.copy_into_site(tmp_path / "site", root, checkpoints)


def test_copy_tfjs_into_site_copies_what_the_ring_widget_fetches(tmp_path, monkeypatch):
    files = bundle.tfjs_files()
    if not all(path.is_file() for path in files.values()):
        pytest.skip("TensorFlow.js is not installed: run `npm ci --ignore-scripts`")
    out = bundle.copy_tfjs_into_site(tmp_path)
    assert out == tmp_path / "assets" / "painter" / "tfjs"
    assert sorted(p.name for p in out.iterdir()) == sorted(bundle.TFJS_FILES)
    for name, path in files.items():
        assert (out / name).read_bytes() == path.read_bytes()
    # The widget's loader asks for exactly these files.
    ring_js = (Path(__file__).resolve().parents[1] / "docs" / "assets" / "painter" / "ring.js").read_text()
    assert sorted(re.findall(r"'tfjs/([^']+)'", ring_js)) == sorted(bundle.TFJS_FILES)
    missing = {**files, "tf-core.min.js": tmp_path / "nowhere" / "tf-core.min.js"}
    monkeypatch.setattr(bundle, "tfjs_files", lambda: missing)
    with pytest.raises(store.CheckpointError, match="npm ci"):
        bundle.copy_tfjs_into_site(tmp_path / "site")


def test_widget_includes_are_current():
    for place in widget.PLACES:
        path = widget.WIDGETS_DIR / f"{place}.md"
        assert path.read_text(encoding="utf-8") == widget.widget_html(place), (
            f"{path} is out of date: run `python -m painters export --widgets`"
        )


def test_widget_is_hidden_without_javascript_and_labelled():
    html = widget.widget_html("gan")
    assert html.startswith('<div class="painter-widget" data-family="gan" id="painter-gan" hidden>')
    assert '<label for="painter-gan-prompt">Prompt</label>' in html
    assert '<label for="painter-gan-seed">Seed</label>' in html
    assert 'role="alert"' in html
    assert 'role="status"' in html
    for word in words.WORD_TO_ATTRIBUTE:
        assert f'data-word="{word}"' in html
    assert "http" not in html.replace("https://", "")  # nothing from another host
    with pytest.raises(ValueError, match="unknown widget place"):
        widget.widget_html("unet")


# --- the command line --------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m painters")
    cli.add_export(parser.add_subparsers(dest="command", required=True))
    return parser


def test_cli_exports_into_a_folder(tiny_painters, tmp_path, monkeypatch, capsys):
    checkpoints, _ = tiny_painters
    monkeypatch.setattr(paths, "CHECKPOINTS_DIR", checkpoints)
    loading._load_model.cache_clear()
    args = _parser().parse_args(["export", "gan", "vae", "--out", str(tmp_path / "onnx")])
    args.run(args)
    out = capsys.readouterr().out
    assert "exported gan" in out
    assert "exported vae" in out
    assert "diffusion" not in out
    assert export.check_export("gan", tmp_path / "onnx", checkpoints)
    args.run(args)
    assert "current gan" in capsys.readouterr().out
    loading._load_model.cache_clear()


def test_cli_refuses_bad_input_before_writing(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        _parser().parse_args(["export", "unet"])
    assert stop.value.code == 2
    assert (
        "'unet' is not an exported painter; choose from gan, vae, diffusion, autoregressive" in capsys.readouterr().err
    )
    afile = tmp_path / "afile"
    afile.write_text("")
    args = _parser().parse_args(["export", "--out", str(afile)])
    with pytest.raises(ValueError, match="not a folder"):
        args.run(args)


# --- prompts: Python and the browser read them alike --------------------------------------------

GOOD_AND_BAD = [
    canvas.SHARED_PROMPT, "a red bike on the sand at dusk", "A RED BIKE ON SAND AT DUSK",
    "the ball is blue, snow, noon",
    "It's a red bike, on the beach at noon!", "red-bike;beach:noon?", "a red bike in snow at noon\n",
    "a red bicylce on a beach at sunset", "a creamson boat in the snow at nite", "zzzz qqqq", "", "   ", "...",
    "a blue ball", "red blue ball beach noon", "bike bicycle red crimson beach noon", "a red bike\nin snow at noon",
    "rouge vélo", "a red bike 🚲 at noon", 'say "hi"', "a tab\there", "back\\slash", "\x00\x7f\u200b\u2028 é",
    "x" * 201, "a " + "b" * 197, "aaaa" * 50, "a red bike on the beach at noon " * 3, "red " * 16 + "bike",
]  # fmt: skip


def _random_prompts(n: int, seed: int = 0) -> list[str]:
    """Prompts made of known words, near-misses, filler and odd characters."""
    rng = random.Random(seed)
    words = list(canvas.VOCAB[1:])
    pieces = [*words, *(w[:-1] for w in words), *(w + "s" for w in words), "xyz", "colour", "bicycles", "nite"]
    odd = [",", ".", "!", "'", "-", "  ", "\t", "\n", "é", "?", ";", "#", "2", '"']
    prompts = []
    for i in range(n):
        if i % 2:  # one word for each attribute (sometimes two), in any order, with filler
            chosen = [rng.choice([w for ws in groups.values() for w in ws]) for groups in canvas.SYNONYMS.values()]
            chosen += rng.sample(canvas.FILLER, rng.randint(0, 6)) + ([rng.choice(words)] if rng.random() < 0.2 else [])
            rng.shuffle(chosen)
            text = " ".join(chosen)
        else:
            text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 18)))
        if rng.random() < 0.3:
            i = rng.randint(0, len(text))
            text = text[:i] + rng.choice(odd) + text[i:]
        if rng.random() < 0.2:
            text = text.upper()
        prompts.append(text)
    return prompts


def _python_reads(prompt: str) -> dict[str, object]:
    try:
        return {"ids": canvas.encode(prompt)}
    except canvas.PromptError as error:
        return {"error": str(error)}


def test_the_browser_reads_prompts_as_python_does():
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    prompts = GOOD_AND_BAD + _random_prompts(400)
    job = json.dumps({"rules": canvas.prompt_rules(), "prompts": prompts})
    out = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "prompts.mjs")], input=job, capture_output=True, text=True, check=True
    )
    answers = json.loads(out.stdout)
    assert len(answers) == len(prompts)
    good = 0
    for prompt, answer in zip(prompts, answers, strict=True):
        assert answer == _python_reads(prompt), prompt
        good += "ids" in answer
    assert 100 <= good <= len(prompts) - 100  # both kinds were tried
