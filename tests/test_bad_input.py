"""Bad input, end to end: the command line and the public API refuse it clearly and write nothing.

Every case is a row of a table in tests/bad_input_cases.py (the "Bad input" page prints the same
tables): what is asked, which words the message must contain, and the exit status. This file
knows how to ask each thing, how to break a checkpoint each way a row names, and checks after
each refusal that nothing was left behind: no output file, no temporary file, no cache entry, no
change to any checkpoint file, no picture drawn, nothing trained.

Checkpoint rows break a copy of a folder of tiny checkpoints trained for the tests
(checkpoint_home.py), never the committed ones. Most command-line rows call
`painters.__main__.main([...])` in-process, the same code minus a second of start-up each; the
PROCESSES rows run `python -m painters` as a real process (exit status, one clean line on
stderr, no traceback), with PAINTERS_HOME pointing at a folder of the test's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import runpy
import shlex
import shutil
import signal
import stat
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bad_input_cases as cases
import numpy as np
import pytest
import torch
from bad_input_cases import BICYLCE, LONG, PROMPT, Case
from checkpoint_home import copy_home, use_home
from PIL import Image
from safetensors.torch import load_file, save_file
from support import make_read_only, nested_json, on_a_full_disk, set_weights, text_bomb_png

from painters import canvas, checkpoints
from painters.__main__ import main
from painters.canvas.png import read_png as _read_png
from painters.checkpoints import loading, store
from painters.core import cache, files
from painters.families import fit, registry
from painters.measure import gallery
from painters.training import run as training

ROOT = Path(__file__).resolve().parents[1]


def ids(rows: tuple[Case, ...]) -> list[str]:
    return [row.id for row in rows]


def snapshot(*folders: Path) -> dict[str, str]:
    """Every path under the folders, with a hash of each file's bytes (and the kind of anything
    else): what 'nothing written' compares."""
    found = {}
    for folder in folders:
        if not folder.exists():
            continue
        for path in sorted(folder.rglob("*")):
            mode = path.lstat().st_mode
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(mode) else oct(mode)
    return found


def no_temporaries(*folders: Path) -> list[str]:
    return [str(p) for folder in folders if folder.exists() for p in folder.rglob("*.tmp")]


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


def _copy_checkpoint(folder: Path, source: str, name: str) -> None:
    for path in folder.glob(f"{source}.*"):
        shutil.copy(path, folder / path.name.replace(source, name, 1))


def _another_family(folder: Path, name: str) -> None:
    _copy_checkpoint(folder, "vae", name)
    _rewrite_manifest(folder / f"{name}.json", name=name)


def _drop_a_tensor(folder: Path, name: str) -> None:
    weights = load_file(str(folder / f"{name}.safetensors"))
    weights.pop(sorted(weights)[0])
    save_file(weights, str(folder / f"{name}.safetensors"))
    _rewrite_manifest(folder / f"{name}.json", weights_sha256=store.file_sha256(folder / f"{name}.safetensors"))


def _other_behaviour(path: Path) -> None:
    """The manifest as if other code had trained it: its first probe output computed otherwise."""
    data = json.loads(path.read_text())
    first = sorted(data["fingerprint"])[0]
    data["fingerprint"][first]["mean"] += 1.0
    path.write_text(json.dumps(data))


def _nested_field(path: Path) -> None:
    """The first probe output's shape nested 900 lists deep: JSON the parser takes (its limit
    is about 1000), which used to reach the stale check and print 1800 brackets."""
    data = json.loads(path.read_text())
    first = sorted(data["fingerprint"])[0]
    data["fingerprint"][first]["shape"] = "NESTED"
    path.write_text(json.dumps(data).replace('"NESTED"', nested_json(900)))


def _edited_settings(folder: Path) -> None:
    """gan copied in as gan-x, its manifest given a setting no family has, named like a shell
    command, and a setting that differs from the default."""
    _copy_checkpoint(folder, "gan", "gan-x")
    data = json.loads((folder / "gan-x.json").read_text())
    data["name"] = "gan-x"
    data["config"]["x; rm -rf ~"] = 1
    data["config"]["betas"] = [0.5, 0.9]
    (folder / "gan-x.json").write_text(json.dumps(data))


def _not_utf8(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b'"hardware": "', b'"hardware": "\xff\xfe', 1))


# row id -> how to break checkpoint NAME in a folder
BREAKS: dict[str, Callable[[Path, str], object]] = {
    "missing": lambda d, n: [p.unlink() for p in d.glob(f"{n}.*")],
    "weights missing": lambda d, n: (d / f"{n}.safetensors").unlink(),
    "manifest missing": lambda d, n: (d / f"{n}.json").unlink(),
    "truncated": lambda d, n: (d / f"{n}.safetensors").write_bytes((d / f"{n}.safetensors").read_bytes()[:1000]),
    "empty weights file": lambda d, n: (d / f"{n}.safetensors").write_bytes(b""),
    "corrupted (one byte flipped)": lambda d, n: _flip_a_byte(d / f"{n}.safetensors"),
    "stale (code changed since training)": lambda d, n: _other_behaviour(d / f"{n}.json"),
    "pickle where safetensors should be": lambda d, n: (d / f"{n}.safetensors").write_bytes(
        pickle.dumps({"w": [1.0, 2.0]})
    ),
    "torch.save zip where safetensors should be": lambda d, n: torch.save(
        {"w": torch.zeros(2)}, d / f"{n}.safetensors"
    ),
    "manifest is not JSON": lambda d, n: (d / f"{n}.json").write_text("{oops"),
    "manifest lacks fields": lambda d, n: (d / f"{n}.json").write_text('{"name": "x"}'),
    "weights path is a folder": lambda d, n: _make_directory(d / f"{n}.safetensors"),
    "another checkpoint copied in": lambda d, n: _copy_checkpoint(d, "vae", n),
    "another family under this name": _another_family,
    "a tensor dropped, the sha256 updated": _drop_a_tensor,
    "wall_seconds is text": lambda d, n: _rewrite_manifest(d / f"{n}.json", wall_seconds="x"),
    "manifest is not UTF-8": lambda d, n: _not_utf8(d / f"{n}.json"),
    "manifest names no family": lambda d, n: _rewrite_manifest(d / f"{n}.json", family="unet"),
    "weights NaN, the sha256 updated": lambda d, n: set_weights(d, n, float("nan")),
    "outputs not finite, the sha256 updated": lambda d, n: set_weights(d, n, 1e38),
    "manifest nested 100,000 deep": lambda d, n: (d / f"{n}.json").write_text(nested_json(100_000)),
    "a manifest field nested 900 deep": lambda d, n: _nested_field(d / f"{n}.json"),
}

# Rows that find a gap in the package, marked until it is fixed (strict: a fix makes them fail).
KNOWN_GAPS: dict[str, str] = {}


def rows(table: tuple[Case, ...], gaps: dict[str, str] | None = None) -> list[object]:
    gaps = KNOWN_GAPS if gaps is None else gaps
    return [
        pytest.param(row, id=row.id, marks=pytest.mark.xfail(strict=True, reason=gaps[row.id]))
        if row.id in gaps
        else pytest.param(row, id=row.id)
        for row in table
    ]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A project folder of tiny checkpoints (a copy, this test's own) that the package uses."""
    folder = copy_home(tmp_path / "home")
    use_home(monkeypatch, folder)
    return folder


def run(capsys, *argv: object) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit:  # argparse refuses options this way, and `checkpoints` exits 1
        code = exit.code if isinstance(exit.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def words_in(text: str, case: Case, **names: object) -> None:
    for words in case.words:
        expected = words.format(**names)
        assert expected in text, f"{case.id}: {expected!r} not in:\n{text[-1500:]}"


@pytest.mark.parametrize("case", rows(cases.BROKEN_CHECKPOINTS))
def test_api_load_model_refuses_a_broken_checkpoint(home, tmp_path, case):
    folder = home / "checkpoints"
    BREAKS[case.id](folder, "judge")
    before = snapshot(tmp_path)
    with pytest.raises(store.CheckpointError) as info:
        loading.load_model("judge", folder)
    words_in(str(info.value), case, name="judge")
    assert "judge" in str(info.value)
    assert snapshot(tmp_path) == before


def test_cli_sample_works_on_the_unbroken_checkpoint(home, tmp_path, capsys):
    # The control for the rows below: the same command on the same folder, before breaking it.
    code, out, err = run(capsys, "sample", "--family", "gan", PROMPT, "-n", 2, "-o", tmp_path / "ok.png")
    assert (code, err) == (0, "")
    assert "wrote 2 gan samples" in out
    assert np.asarray(Image.open(tmp_path / "ok.png")).shape == (32, 64, 3)


@pytest.mark.parametrize("case", rows(cases.BROKEN_CHECKPOINTS))
def test_cli_sample_refuses_a_broken_checkpoint(home, tmp_path, capsys, case):
    BREAKS[case.id](home / "checkpoints", "gan")
    before = snapshot(tmp_path)
    code, _, err = run(capsys, "sample", "--family", "gan", PROMPT, "-n", 2, "-o", tmp_path / "grid.png")
    assert code == case.status, f"{case.id}: exit {code}\n{err}"
    assert err.startswith("error: "), err
    assert err.count("\n") == 1, err
    words_in(err, case, name="gan")
    assert "gan" in err
    assert snapshot(tmp_path) == before  # no grid.png, no temporary file, checkpoint untouched


# --- `python -m painters checkpoints` ---------------------------------------------------------


def _delete_manifests(folder: Path) -> None:
    for path in folder.glob("*.json"):
        if not path.name.endswith(".history.json"):
            path.unlink()


CHECKPOINTS_SETUPS: dict[str, Callable[[Path], object]] = {
    "all whole": lambda d: None,
    "gan corrupted": lambda d: BREAKS["corrupted (one byte flipped)"](d, "gan"),
    "gan stale": lambda d: BREAKS["stale (code changed since training)"](d, "gan"),
    "gan missing": lambda d: BREAKS["missing"](d, "gan"),
    "vae copied in as gan": lambda d: BREAKS["another checkpoint copied in"](d, "gan"),
    "vae renamed gan": lambda d: BREAKS["another family under this name"](d, "gan"),
    "gan tensor dropped, sha256 updated": lambda d: BREAKS["a tensor dropped, the sha256 updated"](d, "gan"),
    "gan manifest deleted": lambda d: BREAKS["manifest missing"](d, "gan"),
    "every manifest deleted": _delete_manifests,
    "wall_seconds is text": lambda d: BREAKS["wall_seconds is text"](d, "gan"),
    "manifest is not UTF-8": lambda d: BREAKS["manifest is not UTF-8"](d, "gan"),
    "vae-beta4 stale": lambda d: BREAKS["stale (code changed since training)"](d, "vae-beta4"),
    "a checkpoint of no family": lambda d: _copy_checkpoint(d, "gan", "unet"),
    "gan weights NaN, sha256 updated": lambda d: set_weights(d, "gan", float("nan")),
    "gan outputs not finite, sha256 updated": lambda d: set_weights(d, "gan", 1e38),
    "gan manifest nested 100,000 deep": lambda d: (d / "gan.json").write_text(nested_json(100_000)),
    "a retrain hint from an edited manifest": _edited_settings,
    "no checkpoints folder": shutil.rmtree,
}


@pytest.mark.parametrize("case", rows(cases.CHECKPOINTS_COMMAND))
def test_cli_checkpoints_lists_every_broken_one(home, tmp_path, capsys, case):
    folder = home / "checkpoints"
    CHECKPOINTS_SETUPS[case.id](folder)
    before = snapshot(tmp_path)
    code, out, err = run(capsys, "checkpoints")
    assert code == case.status, f"{case.id}: exit {code}\n{out}{err}"
    words_in(out + err, case, checkpoints=folder)
    assert "Traceback" not in out + err
    assert "--set x;" not in out  # a retrain hint never carries a setting no family has
    if case.status == 0:
        assert "BROKEN" not in out
        assert out.count("\nok ") == len(registry.CHECKPOINTS), out  # every committed name, checked
    assert snapshot(tmp_path) == before


# --- the command line, in-process -------------------------------------------------------------


def huge_header_png(path: Path, width: int = 14016, height: int = 14016) -> None:
    """A 32x32 PNG whose header claims another size (a decompression bomb's first step)."""
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(path)
    data = bytearray(path.read_bytes())
    header = struct.pack(">II", width, height) + bytes(data[24:29])  # IHDR: size, then 5 bytes of format
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    path.write_bytes(bytes(data))


def make_inputs(folder: Path) -> None:
    """The files the judge and -o rows name: every kind of thing that is not a PNG grid."""
    (folder / "junk.png").write_bytes(b"this is not a png")
    Image.fromarray(np.zeros((30, 50, 3), np.uint8)).save(folder / "odd.png")
    (folder / "folder.png").mkdir()
    (folder / "folder.png" / "keep").write_text("mine")
    (folder / "notes.txt").write_text("not a folder")
    os.mkfifo(folder / "fifo.png")
    huge_header_png(folder / "huge.png")
    text_bomb_png(folder / "bomb.png")  # one zTXt chunk of 100 MB of zeros
    text_bomb_png(folder / "bombs.png", chunks=100, each=1 << 20)  # 100 chunks of 1 MB: 100 MB in all


def fill(argv: tuple[str, ...] | str, tmp: Path) -> list[str]:
    parts = [argv] if isinstance(argv, str) else list(argv)
    return [a.replace("{out}", str(tmp / "grid.png")).replace("{tmp}", str(tmp)) for a in parts]


class _FifoWatchdog:
    """Opens a FIFO's other end after a while: a reader stuck on it then reads nothing and fails,
    instead of hanging the test run forever."""

    def __init__(self, fifo: Path, after: float = 20.0) -> None:
        self.timer = threading.Timer(after, self.release, args=(fifo,))

    @staticmethod
    def release(fifo: Path) -> None:
        with contextlib.suppress(OSError):  # nobody is reading: nothing to release
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    def __enter__(self) -> None:
        self.timer.start()

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a refused request did the work anyway")


@pytest.fixture
def nothing_trained(monkeypatch):
    """A refused request must not take a training step, nor start a family's training at all
    (which builds the networks and renders the training set first: minutes, or gigabytes)."""
    monkeypatch.setattr(fit, "fit", _refuse)
    for name in registry.FAMILIES:
        monkeypatch.setattr(registry.module(name), "train", _refuse)


@pytest.fixture
def nothing_drawn(monkeypatch):
    """A refused command must not draw a picture."""
    monkeypatch.setattr(canvas, "render_prompt", _refuse)


@pytest.mark.parametrize("case", rows(cases.COMMANDS))
def test_cli_refuses(case, home, tmp_path, capsys, monkeypatch, nothing_drawn, nothing_trained):
    monkeypatch.chdir(tmp_path)
    make_inputs(tmp_path)
    before = snapshot(tmp_path)
    with _FifoWatchdog(tmp_path / "fifo.png"):
        code, out, err = run(capsys, *fill(case.asked, tmp_path))
    assert code == case.status, f"{case.id}: exit {code}\n{err}"
    words_in(err, case)
    assert "Traceback" not in err
    assert out == ""
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case", rows(cases.OUTPUTS))
@pytest.mark.parametrize("command", ["world", "sample"])
def test_cli_refuses_an_unwritable_output(case, command, home, tmp_path, capsys, monkeypatch, request):
    monkeypatch.chdir(tmp_path)
    make_inputs(tmp_path)
    if "read-only" in case.asked:
        make_read_only(tmp_path / "read-only", request)
    if "full" in case.asked:
        (tmp_path / "full").mkdir()
        on_a_full_disk(monkeypatch, tmp_path / "full")
    family = ["--family", "gan"] if command == "sample" else []
    before = snapshot(tmp_path)
    code, _, err = run(capsys, command, *family, PROMPT, "-n", 2, "-o", *fill(case.asked, tmp_path))
    assert code == case.status, f"{case.id}: exit {code} {err}"
    words_in(err, case)
    assert snapshot(tmp_path) == before
    assert not Path("/proc/painters-grid.png").exists()


# --- the command line as a real process: exit status and a clean stderr -----------------------


def test_cli_as_a_process_exits_2_with_one_clean_message(tmp_path):
    # A project folder with no checkpoints folder, two levels down: a name like ../../x would
    # land inside tmp_path, where the snapshot sees it.
    home = tmp_path / "a" / "b"
    home.mkdir(parents=True)
    os.mkfifo(home / "fifo.png")
    huge_header_png(home / "huge.png")
    env = {**os.environ, "PAINTERS_HOME": str(home), "PYTHONWARNINGS": "error::DeprecationWarning"}
    before = snapshot(tmp_path)
    procs = {
        case.id: subprocess.Popen(
            [sys.executable, "-m", "painters", *fill(case.asked, home)],
            cwd=home,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for case in cases.PROCESSES
    }
    try:
        for case in cases.PROCESSES:
            proc = procs[case.id]
            out, err = proc.communicate(timeout=180)  # a reader stuck on the FIFO fails here
            assert proc.returncode == case.status, f"{case.id}: exit {proc.returncode}\n{err}"
            words_in(err, case, tmp=home)
            assert "Traceback" not in err, f"{case.id}: {err}"
            assert out == "", f"{case.id}: {out}"
            assert err.count("\n") == 1 or "usage:" in err, f"{case.id}: {err}"
            assert err.rstrip().splitlines()[-1].startswith(("error:", "python -m painters")), err
    finally:
        for proc in procs.values():
            proc.kill()
            proc.communicate()
    assert snapshot(tmp_path) == before
    assert not Path("/proc/painters-x.png").exists()


# --- the public API ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", rows(cases.API))
def test_api_refuses(case, home, tmp_path, monkeypatch, nothing_trained):
    monkeypatch.chdir(tmp_path)
    namespace = {
        "canvas": canvas, "registry": registry, "checkpoints": checkpoints, "training": training,
        "gallery": gallery, "store": store,
        "PROMPT": PROMPT, "BICYLCE": BICYLCE, "LONG": LONG,
    }  # fmt: skip
    before = snapshot(tmp_path)
    with pytest.raises(Exception) as info:  # noqa: PT011 (the row names the class; checked below)
        eval(case.asked, namespace)
    assert type(info.value).__name__ == case.status, f"{case.id}: {info.value!r}"
    words_in(str(info.value), case)
    assert snapshot(tmp_path) == before  # no checkpoint written, no cache entry kept


@pytest.mark.parametrize("n", cases.SAMPLE_COUNTS)
@pytest.mark.parametrize("family", registry.painters())
def test_api_sample_images_refuses_a_bad_count(family, n):
    """Every family's sample_images refuses the count before any work (a tiny untrained model
    is enough: the check comes first, so a huge n never tries to allocate)."""
    module = registry.painter(family)
    model = module.build(registry.module(family).Config.tiny())
    with pytest.raises(ValueError, match="between 1 and"):
        module.sample_images(model, PROMPT, n)  # type: ignore[arg-type]


# --- what must hold of the files --------------------------------------------------------------


def _mode_of_a_replaced_output(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "grid.png"
    mask = os.umask(0o022)
    try:
        out.write_bytes(b"an older grid")  # rw-r--r--, as any file written under umask 022
        code, _, err = run(capsys, *fill(case.asked, tmp_path))
        fresh = tmp_path / "fresh.png"
        assert run(capsys, "world", PROMPT, "-n", 1, "-o", fresh)[0] == 0
    finally:
        os.umask(mask)
    assert (code, err) == (case.status, "")
    assert np.asarray(Image.open(out)).shape == (32, 64, 3)  # replaced
    assert stat.S_IMODE(out.stat().st_mode) == 0o644, oct(out.stat().st_mode)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644, oct(fresh.stat().st_mode)
    assert no_temporaries(tmp_path) == []


def signal_once_saving(proc: subprocess.Popen, folder: Path, sig: int) -> tuple[bool, Any]:
    """Send `sig` the moment the grid's temporary file appears in `folder` (its save has begun),
    then wait for the process; whether the save was seen under way, and its stderr."""
    seen = False
    try:
        deadline = time.monotonic() + 240
        while proc.poll() is None and time.monotonic() < deadline:
            if list(folder.glob(".grid.png.*.tmp")):
                seen = True
                proc.send_signal(sig)
                break
            time.sleep(0.005)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    return seen, err


def _sigterm_while_saving(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    """The grid is 67 million pixels: saving it takes seconds. The signal is sent once the
    temporary file appears (the save has begun), and the process must clean it up."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "painters", *fill(case.asked, tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PAINTERS_HOME": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen, err = signal_once_saving(proc, tmp_path, signal.SIGTERM)
    assert seen, f"the save was never seen under way (exit {proc.returncode}): {err[-500:]}"
    assert proc.returncode == case.status, f"exit {proc.returncode}: {err[-500:]}"
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "a temporary or half-written file was left"


def _checkpoint_write_interrupted(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    folder = copy_home(tmp_path / "home") / "checkpoints"
    manifest = store.read_manifest("gan", folder)
    weights = load_file(str(folder / "gan.safetensors"))
    before = snapshot(folder)

    def half_then_interrupted(tensors: object, filename: str, metadata: object = None) -> None:
        Path(filename).write_bytes(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "save_file", half_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.save_checkpoint(manifest, weights, {"loss": [1.0], "step": [1.0]}, folder)
    assert no_temporaries(folder) == []
    assert snapshot(folder) == before
    assert loading.load_model("gan", folder)[1].weights_sha256 == manifest.weights_sha256  # still whole


def _replace_interrupted(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "gan.json"
    path.write_text("the old manifest")

    def writer(tmp: Path) -> None:
        tmp.write_text("half a new")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        files.replace_atomically(path, writer)
    assert path.read_text() == "the old manifest"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gan.json"]


def _sixteen_bit_grey(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    grey = tmp_path / "grey16.png"
    Image.fromarray(np.full((32, 64), 32768, np.uint16)).save(grey)
    assert Image.open(grey).mode.startswith("I"), Image.open(grey).mode  # really 16 bits deep
    pixels = _read_png(grey)
    assert pixels.shape == (32, 64, 3)
    assert pixels.dtype == np.uint8
    assert abs(int(pixels.mean()) - 128) <= 1, pixels[0, 0]  # not clipped to white (255)
    ramp = tmp_path / "ramp16.png"
    Image.fromarray(np.tile(np.linspace(0, 65535, 64).astype(np.uint16), (32, 1))).save(ramp)
    levels = _read_png(ramp)[0, :, 0].astype(int)
    assert levels[0] == 0
    assert levels[-1] == 255
    assert (np.diff(levels) >= 0).all()
    assert len(set(levels)) > 32  # grey levels, not black and white
    # Pillow before 12 opened a 16-bit PNG in mode "I" (32-bit): the same mid-grey that way.
    wide = tmp_path / "grey32.tif"
    Image.fromarray(np.full((32, 64), 32768, np.int32)).save(wide)
    assert abs(int(_read_png(wide).mean()) - 128) <= 1
    # The whole command on the 16-bit file: read and judged (a tiny judge), no error.
    use_home(monkeypatch, copy_home(tmp_path / "home"))
    code, out, err = run(capsys, *fill(case.asked, tmp_path))
    assert (code, err) == (case.status, ""), err
    assert "2 tiles" in out


def _not_utf8_output(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    """A file name of bytes that are not UTF-8 (Python hands them over as surrogates)."""
    code, out, err = run(capsys, *fill(case.asked, tmp_path))
    assert (code, err) == (case.status, ""), err
    assert os.listdir(os.fsencode(tmp_path)) == [b"\xff\xfe.png"]
    assert "wrote 2 renders" in out


def _cache_entry_a_folder(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    entry = tmp_path / "cache" / "entry.npz"
    (entry / "inside").mkdir(parents=True)
    shapes = {"x": ((2,), "int64")}
    made = cache.arrays(entry, "key", shapes, lambda: {"x": np.arange(2)})  # IsADirectoryError before
    assert made["x"].tolist() == [0, 1]
    assert entry.is_file()
    assert cache.arrays(entry, "key", shapes, lambda: pytest.fail("made twice"))["x"].tolist() == [0, 1]


def _refused_before_drawing(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    drawn = []
    monkeypatch.setattr(canvas, "render_prompt", lambda *a, **k: drawn.append(a))
    start = time.perf_counter()
    code, _, err = run(capsys, *fill(case.asked, tmp_path))
    assert time.perf_counter() - start < 5
    assert code == case.status
    assert "million pixels" in err
    assert drawn == []
    assert list(tmp_path.iterdir()) == []


FILE_CHECKS: dict[str, Callable[[Case, Path, pytest.MonkeyPatch, pytest.CaptureFixture[str]], None]] = {
    "a replaced output keeps its mode": _mode_of_a_replaced_output,
    "SIGTERM while the PNG is written": _sigterm_while_saving,
    "a checkpoint write interrupted": _checkpoint_write_interrupted,
    "a file replace interrupted": _replace_interrupted,
    "a 16-bit grey PNG": _sixteen_bit_grey,
    "an output name that is not UTF-8": _not_utf8_output,
    "a cache entry that is a folder": _cache_entry_a_folder,
    "a refused grid draws nothing": _refused_before_drawing,
}


@pytest.mark.parametrize("case", rows(cases.FILES))
def test_files(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    FILE_CHECKS[case.id](case, tmp_path, monkeypatch, capsys)


# --- the tables themselves ---------------------------------------------------------------------


def test_every_row_is_run_and_ids_are_unique():
    for _, _, table in cases.TABLES:
        assert len(ids(table)) == len(set(ids(table))), ids(table)
        for row in table:
            assert isinstance(row, Case), row
            assert row.words, row
            assert all(isinstance(w, str) for w in row.words), row
    assert set(BREAKS) == set(ids(cases.BROKEN_CHECKPOINTS))
    assert set(CHECKPOINTS_SETUPS) == set(ids(cases.CHECKPOINTS_COMMAND))
    assert set(FILE_CHECKS) == set(ids(cases.FILES))
    assert set(KNOWN_GAPS) <= {row.id for _, _, table in cases.TABLES for row in table}
    assert cases.MAX_SAMPLES == canvas.MAX_SAMPLES


def test_the_tables_cover_what_the_issues_list():
    text = " ".join(f"{row.id} {row.asked} {row.words}" for _, _, table in cases.TABLES for row in table).lower()
    for topic in (
        "unknown prompt word",
        "empty",
        "absurdly long",
        "wrong family",
        "negative",
        "huge",
        "output",
        "missing",
        "truncated",
        "corrupted",
        "stale",
        "pickle",
        "foo=1",
        "14016x14016",
        "x" * 296,
        "million pixels",
        "named pipe",
        "16-bit",
        "../../x",
        "umask 022",
        "sigterm",
        "interrupted",
        "git checkout -- checkpoints/",
        "vae copied in as gan",
        "sha256 updated",
        "every manifest deleted",
        "wall_seconds",
        "not utf-8",
        "checkpoints in {checkpoints}",
        # round two: what a command needs, checked before it spends time; tracebacks from the machine
        "batch=0", "z_dim=-1", "r1_every=0", "betas=[0.5]", 'betas=[0.0,"x"]', "z_dim=0", "ema=2",
        "lr=infinity", "read-only", "full disk", "is a file", "nan", "not finite", "../",
        "loss history missing", "labs' cache entry tampered", "labs' cache entry truncated",
        "make site: the build fails", "negative seed", "seed 2**64", "threads 10**20", "newline",
        "decompression bomb", "folder name of 300 characters", "nested 100,000 deep",
        "head -1", "ctrl-c", "cache entry that is a folder", "export folder is a link",
        "export folder is a file", "manifest.json truncated",
    ):  # fmt: skip
        assert topic in text, topic


def test_the_site_prints_one_row_per_case(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # the build's working directory: the snippet finds the tables from there
    runpy.run_path(str(ROOT / "snippets" / "site" / "bad_input.py"), run_name="markdown_exec_block")
    page = capsys.readouterr().out
    total = sum(len(table) for _, _, table in cases.TABLES)
    assert page.count("<tr>") == total + 1  # and the header
    assert shlex.quote("../../x") in page
    assert LONG not in page  # shown shortened
