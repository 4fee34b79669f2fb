"""The command line, end to end in-process: good runs write what they say they write.

Every refusal (a bad prompt, option, file, output path or checkpoint) is a row in
tests/bad_input_cases.py, run by tests/test_bad_input.py. Here: the good paths, on a project
folder of tiny checkpoints (checkpoint_home.py), and on the committed judge where a test needs
one that can read (skipped, saying why, while the committed judge is stale).
"""

from __future__ import annotations

import json
from dataclasses import asdict

import numpy as np
import pytest
import torch
from checkpoint_home import committed, copy_home, use_home
from PIL import Image

from painters import canvas
from painters.__main__ import build_parser, main
from painters.canvas.png import cut as tiles
from painters.canvas.png import grid
from painters.checkpoints import loading, store
from painters.families import fit, registry
from painters.training import run as training

PROMPT = canvas.SHARED_PROMPT


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit:
        code = exit.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = copy_home(tmp_path / "home")
    use_home(monkeypatch, folder)
    monkeypatch.chdir(tmp_path)
    return folder


def test_world_writes_a_grid_of_renders(tmp_path, capsys):
    path = tmp_path / "scene.png"
    code, out, err = run(capsys, "world", "a red bike on the sand at dusk", "-n", 4, "-o", path)
    assert (code, err) == (0, "")
    assert "wrote 4 renders of 'a red bicycle parked on a beach at sunset'" in out
    pixels = np.asarray(Image.open(path))
    assert pixels.shape == (32, 128, 3)
    assert (tiles(pixels) == canvas.render_prompt("a red bike on the sand at dusk", 4, seed=0)).all()


def test_the_committed_judge_reads_a_world_grid(tmp_path, capsys):
    committed("judge")
    path = tmp_path / "scene.png"
    assert run(capsys, "world", "a red bike on the sand at dusk", "-n", 4, "-o", path)[0] == 0
    code, out, _ = run(capsys, "judge", path)
    assert code == 0
    assert f"{path}: 4 tiles" in out
    assert out.count("red bicycle, beach, sunset") >= 3


def test_scaled_grids_are_cut_back_with_the_same_scale(tmp_path, capsys):
    path = tmp_path / "big.png"
    assert run(capsys, "world", "a blue ball in a meadow at noon", "-n", 2, "--scale", 4, "-o", path)[0] == 0
    pixels = np.asarray(Image.open(path))
    assert pixels.shape == (128, 256, 3)
    assert (tiles(pixels, 4) == canvas.render_prompt("a blue ball in a meadow at noon", 2, seed=0)).all()


def test_the_committed_judge_reads_a_scaled_grid(tmp_path, capsys):
    committed("judge")
    path = tmp_path / "big.png"
    assert run(capsys, "world", "a blue ball in a meadow at noon", "-n", 2, "--scale", 4, "-o", path)[0] == 0
    code, out, _ = run(capsys, "judge", path, "--scale", 4)
    assert code == 0
    assert out.count("blue ball, meadow, noon") == 2


def test_grid_and_tiles_are_inverse():
    images = np.random.default_rng(0).integers(0, 256, (11, 32, 32, 3), dtype=np.uint8)
    assert grid(images).shape == (64, 256, 3)  # 8 columns, the last row padded
    assert (tiles(grid(images))[:11] == images).all()


def test_judge_reads_every_tile_of_several_grids(home, tmp_path, capsys):
    # A tiny judge (it guesses): the command's plumbing, not the judge's eye.
    for name, n in (("a.png", 3), ("b.png", 9)):
        assert run(capsys, "world", PROMPT, "-n", n, "-o", tmp_path / name)[0] == 0
    code, out, err = run(capsys, "judge", tmp_path / "a.png", tmp_path / "b.png")
    assert (code, err) == (0, "")
    assert "a.png: 3 tiles" in out  # a 3-picture grid is 3 tiles wide
    assert "b.png: 16 tiles" in out  # 9 pictures fill two rows of 8: the padding is read too
    assert out.count("  tile ") == 19


def test_sample_writes_a_grid_from_a_checkpoint_and_the_seed_decides_it(home, tmp_path, capsys):
    a, b, c = (tmp_path / f"{x}.png" for x in "abc")
    code, out, err = run(capsys, "sample", "--family", "vae", PROMPT, "-n", 3, "-o", a)
    assert (code, err) == (0, "")
    assert f"wrote 3 vae samples of {PROMPT!r} to {a}" in out
    assert np.asarray(Image.open(a)).shape == (32, 96, 3)
    assert run(capsys, "sample", "--family", "vae", PROMPT, "-n", 3, "-o", b)[0] == 0
    assert run(capsys, "sample", "--family", "vae", PROMPT, "-n", 3, "--seed", 1, "-o", c)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    model = loading.load_model("vae")[0]
    expected = registry.painter("vae").sample_images(model, PROMPT, 3, seed=0)
    assert (tiles(np.asarray(Image.open(a))) == expected).all()


@pytest.mark.parametrize("family", registry.painters())
def test_every_painter_samples_from_the_command_line(family, home, tmp_path, capsys):
    code, _, err = run(capsys, "sample", "--family", family, PROMPT, "-n", 2, "--scale", 2, "-o", tmp_path / "x.png")
    assert (code, err) == (0, "")
    assert np.asarray(Image.open(tmp_path / "x.png")).shape == (64, 128, 3)


def test_train_saves_a_checkpoint_that_loads(home, tmp_path, capsys, monkeypatch):
    # --set takes JSON values: the tiny config, field by field, as a reader would type it.
    monkeypatch.setattr(fit, "training_set", lambda *a, **k: canvas.make_dataset(64, 0))
    monkeypatch.setattr(training, "measure_model", lambda family, model: {"measured": True})
    tiny = {**asdict(registry.module("vae").Config.tiny()), "steps": 2}
    settings = [arg for key, value in tiny.items() for arg in ("--set", f"{key}={json.dumps(value)}")]
    code, out, err = run(capsys, "train", "vae", "--name", "vae-cli", "--seed", 3, *settings)
    assert code == 0, err
    assert "vae: 100%" in err  # the progress bar, on stderr
    assert "error" not in err
    assert "saved checkpoints/vae-cli.safetensors after 2 steps" in out
    _, manifest = loading.load_model("vae-cli")
    assert (manifest.name, manifest.family, manifest.seed, manifest.steps) == ("vae-cli", "vae", 3, 2)
    assert manifest.config == json.loads(json.dumps(tiny))
    assert manifest.metrics == {"measured": True}
    assert store.load_history("vae-cli")["step"] == [2.0]
    retrain = loading.retrain_command("vae-cli", manifest)
    assert retrain.startswith("python -m painters train vae --name vae-cli --set ")


def test_train_steps_overrides_the_config(home, capsys, monkeypatch):
    monkeypatch.setattr(fit, "training_set", lambda *a, **k: canvas.make_dataset(64, 0))
    monkeypatch.setattr(training, "measure_model", lambda family, model: {})
    tiny = asdict(registry.module("gan").Config.tiny())
    settings = [arg for key, value in tiny.items() for arg in ("--set", f"{key}={json.dumps(value)}")]
    code, out, _ = run(capsys, "train", "gan", *settings, "--steps", 1)
    assert code == 0
    assert "after 1 steps" in out
    assert loading.load_model("gan")[1].steps == 1


def test_checkpoints_lists_every_committed_name_and_where_it_looks(home, capsys):
    code, out, err = run(capsys, "checkpoints")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"checkpoints in {home / 'checkpoints'}"
    for name, _, _ in registry.CHECKPOINTS:
        assert f"ok     {name} " in out


def test_threads_are_set_for_the_command(home, tmp_path, capsys):
    before = torch.get_num_threads()
    try:
        assert run(capsys, "world", PROMPT, "-n", 1, "-o", tmp_path / "x.png", "--threads", 2)[0] == 0
        assert torch.get_num_threads() == 2
        assert run(capsys, "world", PROMPT, "-n", 1, "-o", tmp_path / "x.png")[0] == 0
        assert torch.get_num_threads() == 1  # the default, whatever came before
    finally:
        torch.set_num_threads(before)


def test_the_parser_offers_the_registrys_families():
    parser = build_parser()
    text = parser.format_help()
    for command in ("world", "judge", "sample", "train", "checkpoints"):
        assert command in text
    sub = next(a for a in parser._actions if a.dest == "command")
    sample = next(a for a in sub.choices["sample"]._actions if a.dest == "family")
    train = next(a for a in sub.choices["train"]._actions if a.dest == "family")
    assert tuple(sample.choices) == registry.painters()
    assert tuple(train.choices) == tuple(registry.FAMILIES)  # the judge trains too


def test_no_command_is_a_usage_error(capsys):
    code, _, err = run(capsys)
    assert code == 2
    assert "COMMAND" in err
