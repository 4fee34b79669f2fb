"""Bad input, end to end: the command line and the public API refuse it clearly and write nothing.

Every case is a row of a table: what is asked, which words the message must contain, and (for
the command line) the exit status. After each refusal the test checks that nothing was left
behind: no output file, no temporary file, no cache entry, no change to any checkpoint file.

Four rows run `python -m painters` as a real process (exit status, one clean line on stderr, no
traceback); the rest call `painters.__main__.main([...])` in-process, which is the same code
minus ~2 s of start-up each. Checkpoint rows corrupt a temporary copy: the judge's committed
checkpoint for the API, and a small freshly initialised GAN checkpoint for `sample`, which the
command line is pointed at by patching `training.load_model` (it has no option or environment
variable for another checkpoint folder).

Not repeated here (see tests/test_cli.py and tests/test_store.py): the `world`/`judge` prompt and
output-path rows there, and `store.load_checkpoint` on corrupt, truncated, pickled and stale
files.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest
import torch

from painters import store, training, world
from painters.__main__ import MAX_SAMPLES, main

PROMPT = "a red bicycle parked on a beach at sunset"
FIX = "python -m painters train"


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file under the folders, with a hash of its bytes: what 'nothing written' compares."""
    files = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


# --- checkpoints, broken in every way a reader's copy can break -------------------------------


def _rewrite_manifest(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _make_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


# name -> (how to break checkpoint NAME in a folder, words the error must contain)
BREAKS: dict[str, tuple[Callable[[Path, str], None], tuple[str, ...]]] = {
    "missing": (lambda d, n: [p.unlink() for p in d.glob(f"{n}.*")], ("no checkpoint", FIX)),
    "weights missing": (lambda d, n: (d / f"{n}.safetensors").unlink(), ("no weights", FIX)),
    "manifest missing": (lambda d, n: (d / f"{n}.json").unlink(), ("no checkpoint", "missing", FIX)),
    "truncated": (
        lambda d, n: (d / f"{n}.safetensors").write_bytes((d / f"{n}.safetensors").read_bytes()[:1000]),
        ("corrupt", FIX),
    ),
    "empty weights file": (lambda d, n: (d / f"{n}.safetensors").write_bytes(b""), ("corrupt", FIX)),
    "corrupted (one byte flipped)": (lambda d, n: _flip_a_byte(d / f"{n}.safetensors"), ("corrupt", FIX)),
    "stale (code changed since training)": (
        lambda d, n: _rewrite_manifest(d / f"{n}.json", source_hash="0" * 64),
        ("stale", FIX),
    ),
    "pickle where safetensors should be": (
        lambda d, n: (d / f"{n}.safetensors").write_bytes(pickle.dumps({"w": [1.0, 2.0]})),
        ("pickle", "never loaded", FIX),
    ),
    "torch.save zip where safetensors should be": (
        lambda d, n: torch.save({"w": torch.zeros(2)}, d / f"{n}.safetensors"),
        ("pickle", FIX),
    ),
    "manifest is not JSON": (lambda d, n: (d / f"{n}.json").write_text("{oops"), ("unreadable", FIX)),
    "manifest lacks fields": (lambda d, n: (d / f"{n}.json").write_text('{"name": "x"}'), ("unreadable", FIX)),
    "weights path is a folder": (lambda d, n: _make_directory(d / f"{n}.safetensors"), (FIX,)),
}


# Rows that find a gap in the package, marked until it is fixed (strict: a fix makes them fail).
KNOWN_GAPS: dict[str, str] = {}
BREAK_ROWS = [
    pytest.param(how, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[how])) if how in KNOWN_GAPS else how
    for how in BREAKS
]


@pytest.fixture(scope="module")
def judge_checkpoint(tmp_path_factory) -> Path:
    """A folder holding a copy of the committed judge checkpoint."""
    folder = tmp_path_factory.mktemp("judge")
    for path in store.CHECKPOINTS.glob("judge.*"):
        shutil.copy(path, folder / path.name)
    store.load_checkpoint("judge", folder)  # it is whole before we break it
    return folder


@pytest.fixture(scope="module")
def gan_checkpoint(tmp_path_factory) -> Path:
    """A folder holding a valid GAN checkpoint with freshly initialised weights (no training)."""
    from painters import gan

    torch.manual_seed(0)
    config = asdict(gan.Config())
    manifest = store.Manifest(
        name="gan", family="gan", config=config, source_hash=store.source_hash("gan", config),
        seed=0, steps=0, wall_seconds=0.0, hardware="test", device="cpu", torch_version=torch.__version__,
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("gan")
    store.save_checkpoint(manifest, gan.build(gan.Config()).state_dict(), {"loss": [1.0], "step": [1.0]}, folder)
    return folder


def broken_copy(source: Path, name: str, how: str, tmp_path: Path) -> Path:
    folder = tmp_path / "checkpoints"
    shutil.copytree(source, folder)
    BREAKS[how][0](folder, name)
    return folder


@pytest.mark.parametrize("how", BREAK_ROWS)
def test_api_load_model_refuses_a_broken_checkpoint(judge_checkpoint, tmp_path, how):
    folder = broken_copy(judge_checkpoint, "judge", how, tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(store.CheckpointError) as info:
        training.load_model("judge", folder)
    for words in BREAKS[how][1]:
        assert words in str(info.value), f"{how}: {info.value}"
    assert "judge" in str(info.value)
    assert snapshot(tmp_path) == before


@pytest.fixture
def cli_checkpoints(monkeypatch):
    """Point the command line's checkpoint loading at another folder."""

    def use(folder: Path) -> None:
        monkeypatch.setattr(training, "load_model", functools.partial(training.load_model, directory=folder))
        monkeypatch.setattr(store, "CHECKPOINTS", folder)
        load = store.load_checkpoint
        monkeypatch.setattr(store, "load_checkpoint", lambda name, directory=folder: load(name, directory))

    return use


def run(capsys, *argv: object) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit:  # argparse refuses options this way
        code = exit.code if isinstance(exit.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_sample_works_on_the_unbroken_checkpoint(gan_checkpoint, cli_checkpoints, tmp_path, capsys):
    # The control for the rows below: the same command on the same folder, before breaking it.
    cli_checkpoints(gan_checkpoint)
    code, _, err = run(capsys, "sample", "--family", "gan", PROMPT, "-n", 2, "-o", tmp_path / "ok.png")
    assert (code, err) == (0, "")
    assert (tmp_path / "ok.png").exists()


@pytest.mark.parametrize("how", BREAK_ROWS)
def test_cli_sample_refuses_a_broken_checkpoint(gan_checkpoint, cli_checkpoints, tmp_path, capsys, how):
    folder = broken_copy(gan_checkpoint, "gan", how, tmp_path)
    cli_checkpoints(folder)
    before = snapshot(tmp_path)
    code, _, err = run(capsys, "sample", "--family", "gan", PROMPT, "-n", 2, "-o", tmp_path / "grid.png")
    assert code == 2, f"{how}: exit {code}\n{err}"
    assert err.startswith("error: "), err
    assert err.count("\n") == 1, err
    for words in BREAKS[how][1]:
        assert words in err, f"{how}: {err}"
    assert "gan" in err
    assert snapshot(tmp_path) == before  # no grid.png, no temporary file, checkpoint untouched


@pytest.mark.parametrize("how", ["corrupted (one byte flipped)", "stale (code changed since training)", "missing"])
def test_cli_checkpoints_lists_a_broken_one_and_exits_1(gan_checkpoint, cli_checkpoints, tmp_path, capsys, how):
    folder = broken_copy(gan_checkpoint, "gan", how, tmp_path)
    shutil.copy(store.CHECKPOINTS / "judge.json", folder)  # a whole one beside it (manifest only: listed, broken)
    cli_checkpoints(folder)
    before = snapshot(tmp_path)
    code, out, _ = run(capsys, "checkpoints")
    assert code == 1 or how == "missing", out
    if how != "missing":
        assert "BROKEN gan" in out, out
        assert FIX + " gan" in out, out
    assert snapshot(tmp_path) == before


# --- the command line, in-process -------------------------------------------------------------

LONG = "a red bicycle parked on a beach at sunset " * 2500  # ~100 kB of prompt
BICYLCE = "a red bicylce on a beach at sunset"
TOO_MANY = f"between 1 and {MAX_SAMPLES}"
CLI_ROWS = {
    # name: (argv with {out}, words in the message)
    "sample: unknown prompt word": (["sample", "--family", "gan", BICYLCE], "did you mean 'bicycle'"),
    "sample: empty prompt": (["sample", "--family", "gan", ""], "empty"),
    "sample: blank prompt": (["sample", "--family", "gan", "   "], "empty"),
    "sample: absurdly long prompt": (["sample", "--family", "gan", LONG], "at most 200"),
    "world: absurdly long prompt": (["world", LONG], "at most 200"),
    "world: markup in the prompt": (["world", "a red <b>bicycle</b> on a beach at sunset"], "outside letters"),
    "world: control characters": (["world", "a red bicycle\x00 on a beach at sunset"], "outside letters"),
    "world: two colours": (["world", "a red blue bicycle on a beach at sunset"], "names two colours"),
    "world: no object": (["world", "something red on a beach at sunset"], "unknown word"),
    "sample: wrong family": (["sample", "--family", "transformer", PROMPT], "invalid choice: 'transformer'"),
    "sample: family in capitals": (["sample", "--family", "GAN", PROMPT], "invalid choice: 'GAN'"),
    "train: wrong family": (["train", "stable-diffusion"], "invalid choice"),
    "sample: zero samples": (["sample", "--family", "gan", PROMPT, "-n", "0"], f"between 1 and {MAX_SAMPLES}"),
    "sample: negative samples": (["sample", "--family", "gan", PROMPT, "-n", "-1"], f"between 1 and {MAX_SAMPLES}"),
    "sample: huge sample count": (["sample", "--family", "gan", PROMPT, "-n", str(10**30)], TOO_MANY),
    "sample: one too many": (["sample", "--family", "gan", PROMPT, "-n", str(MAX_SAMPLES + 1)], TOO_MANY),
    "sample: fractional count": (["sample", "--family", "gan", PROMPT, "-n", "2.5"], "not a whole number"),
    "world: zero scale": (["world", PROMPT, "--scale", "0"], "between 1 and"),
    "world: huge scale": (["world", PROMPT, "--scale", "1000"], "use 1 to 32"),
    "train: zero steps": (["train", "gan", "--steps", "0"], "at least 1"),
    "train: negative threads": (["train", "gan", "--threads", "-2"], "at least 1"),
}
OUTPUT_ROWS = {
    # name: (the -o value, with {tmp}; words in the message)
    "output folder is a file": ("{tmp}/notes.txt/grid.png", "does not exist"),
    "output is an existing folder": ("{tmp}/folder.png", "cannot write"),
    "output path is empty": ("", "output path is empty"),
    "output under /proc": ("/proc/painters-grid.png", "cannot write"),
}


@pytest.mark.parametrize("row", list(CLI_ROWS))
def test_cli_refuses(row, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv, words = CLI_ROWS[row]
    if argv[0] in ("world", "sample"):
        argv = [*argv, "-o", str(tmp_path / "grid.png")]
    before = snapshot(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2, f"{row}: exit {code}"
    assert words in err, f"{row}: {err[-400:]}"
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before


OUTPUT_PARAMS = list(OUTPUT_ROWS)


@pytest.mark.parametrize("row", OUTPUT_PARAMS)
@pytest.mark.parametrize("command", ["world", "sample"])
def test_cli_refuses_an_unwritable_output(row, command, tmp_path, capsys, monkeypatch, gan_checkpoint, cli_checkpoints):
    cli_checkpoints(gan_checkpoint)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not a folder")
    (tmp_path / "folder.png").mkdir()
    (tmp_path / "folder.png" / "keep").write_text("mine")
    target, words = OUTPUT_ROWS[row]
    family = ["--family", "gan"] if command == "sample" else []
    before = snapshot(tmp_path, gan_checkpoint)
    code, _, err = run(capsys, command, *family, PROMPT, "-n", 2, "-o", target.format(tmp=tmp_path))
    assert code == 2, f"{row}: exit {code} {err}"
    assert words in err, err
    assert snapshot(tmp_path, gan_checkpoint) == before
    assert not Path("/proc/painters-grid.png").exists()


# --- the command line as a real process: a few rows, for exit status and a clean stderr --------

PROCESS_ROWS = {
    "unknown prompt word": (["world", BICYLCE, "-o", "{tmp}/x.png"], "did you mean 'bicycle'"),
    "wrong family": (["sample", "--family", "transformer", PROMPT, "-o", "{tmp}/x.png"], "invalid choice"),
    "negative count": (["world", PROMPT, "-n", "-3", "-o", "{tmp}/x.png"], "between 1 and"),
    "unwritable output": (["world", PROMPT, "-o", "/proc/painters-x.png"], "cannot write"),
}


def test_cli_as_a_process_exits_2_with_one_clean_message(tmp_path):
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    procs = {
        row: subprocess.Popen(
            [sys.executable, "-m", "painters", *(a.format(tmp=tmp_path) for a in argv)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for row, (argv, _) in PROCESS_ROWS.items()
    }
    for row, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, f"{row}: exit {proc.returncode}\n{err}"
        assert PROCESS_ROWS[row][1] in err, f"{row}: {err}"
        assert "Traceback" not in err, f"{row}: {err}"
        assert out == "", f"{row}: {out}"
        assert err.rstrip().splitlines()[-1].startswith(("error:", "python -m painters")), err
    assert list(tmp_path.iterdir()) == []


# --- the public API ---------------------------------------------------------------------------

API_ROWS: dict[str, tuple[Callable[[], object], type[Exception], str]] = {
    "parse_prompt: unknown word": (lambda: world.parse_prompt(BICYLCE), world.PromptError, "did you mean 'bicycle'"),
    "parse_prompt: empty": (lambda: world.parse_prompt(""), world.PromptError, "empty"),
    "parse_prompt: absurdly long": (lambda: world.parse_prompt(LONG), world.PromptError, "at most 200"),
    "parse_prompt: not text": (lambda: world.parse_prompt(None), world.PromptError, "a prompt is text"),  # type: ignore[arg-type]
    "parse_prompt: bytes": (lambda: world.parse_prompt(PROMPT.encode()), world.PromptError, "not bytes"),  # type: ignore[arg-type]
    "encode: names no time": (lambda: world.encode("a red bicycle on a beach"), world.PromptError, "names no time"),
    "render_prompt: zero": (lambda: world.render_prompt(PROMPT, 0), ValueError, "between 1 and"),
    "render_prompt: negative": (lambda: world.render_prompt(PROMPT, -5), ValueError, "between 1 and"),
    "render_prompt: huge": (lambda: world.render_prompt(PROMPT, 10**12), ValueError, "between 1 and"),
    "family_module: wrong name": (lambda: training.family_module("transformer"), ValueError, "unknown family"),
    "source_hash: wrong family": (lambda: store.source_hash("transformer", {}), ValueError, "unknown family"),
    "train_and_save: wrong family": (lambda: training.train_and_save("unet"), ValueError, "unknown family"),
    "train_and_save: wrong device": (lambda: training.train_and_save("gan", device="tpu"), ValueError, "device 'tpu'"),
}


@pytest.mark.parametrize("row", list(API_ROWS))
def test_api_refuses(row, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call, error, words = API_ROWS[row]
    before = snapshot(tmp_path, store.CHECKPOINTS)
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value), f"{row}: {info.value}"
    assert snapshot(tmp_path, store.CHECKPOINTS) == before


@pytest.mark.parametrize("n", [0, -3, 2.5, 10**9])
@pytest.mark.parametrize("family", training.FAMILIES)
def test_api_sample_images_refuses_a_bad_count(family, n):
    """Every family's sample_images refuses the count before any work (a tiny untrained model
    is enough: the check comes first, so a huge n never tries to allocate)."""
    module = training.family_module(family)
    model = module.build(module.Config.tiny())
    with pytest.raises(ValueError, match="between 1 and"):
        module.sample_images(model, PROMPT, n)


def test_api_paint_refuses_a_wrong_family(tmp_path, monkeypatch):
    monkeypatch.setattr(training, "CACHE_DIR", tmp_path)
    with pytest.raises(ValueError, match="unknown family"):
        training.paint("transformer", PROMPT, 4)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("prompt", "words"),
    [(BICYLCE, "did you mean"), ("", "empty"), (LONG, "at most 200")],
)
def test_api_paint_refuses_a_bad_prompt_and_caches_nothing(gan_checkpoint, tmp_path, monkeypatch, prompt, words):
    monkeypatch.setattr(training, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(training, "_loaded", lambda family: training.load_model(family, gan_checkpoint))
    with pytest.raises(world.PromptError, match=words):
        training.paint("gan", prompt, 4)
    assert not (tmp_path / "cache").exists() or snapshot(tmp_path / "cache") == {}


def test_the_tables_cover_what_the_issue_lists():
    rows = " ".join([*BREAKS, *CLI_ROWS, *OUTPUT_ROWS, *PROCESS_ROWS, *API_ROWS]).lower()
    for topic in ("unknown prompt word", "empty", "absurdly long", "wrong family", "negative", "huge",
                  "output", "missing", "truncated", "corrupted", "stale", "pickle"):  # fmt: skip
        assert topic in rows, topic
