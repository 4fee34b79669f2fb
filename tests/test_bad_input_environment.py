"""Bad input from the machine a command runs on: its folders, the build's inputs, signals, pipes.

The rows are tables in tests/bad_input_cases.py (the "Bad input" page prints them too):
TRAIN_FOLDERS (`train` refuses before its first step what would fail it after the last),
EXPORTS (`export` and an odd --out), BUILD (the site build's up-front check, and `make site`
leaving the last good site in place) and SIGNALS (Ctrl-C, SIGTERM and a closed pipe end a
process quietly with the usual status). tests/test_bad_input.py runs the other tables.

Everything runs on copies of a project folder of tiny checkpoints (checkpoint_home.py), never
on the committed ones.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import bad_input_cases as cases
import pytest
from bad_input_cases import Case
from checkpoint_home import copy_home, use_home
from mkdocs.exceptions import PluginError
from support import make_read_only, nested_json, on_a_full_disk, set_weights
from test_bad_input import no_temporaries, rows, run, signal_once_saving, snapshot, words_in

from painters.browser import bundle, export
from painters.checkpoints import store
from painters.families import fit, registry
from painters.site import hooks, notebooks

ROOT = Path(__file__).resolve().parents[1]
Setup = Callable[..., object]


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a refused request did the work anyway")


# --- train: what it needs, checked before the first step --------------------------------------


def _diverging(monkeypatch: pytest.MonkeyPatch) -> None:
    """The gan's training returns NaN weights, as a learning rate of 1e6 would."""
    gan = registry.module("gan")

    def train(config, *, seed, device, progress=True, data=None):
        model = gan.build(config)
        for p in model.parameters():
            p.data.fill_(float("nan"))
        return model, {"g_loss": [float("nan")], "step": [10.0]}

    monkeypatch.setattr(gan, "train", train)
    fit.training_set()  # the world's renders, cached before: counting the budget reads them first


def _a_file_instead(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.write_text("not a folder")


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


TRAIN_SETUPS: dict[str, Setup] = {
    "checkpoints folder read-only": lambda home, mp, rq: make_read_only(home / "checkpoints", rq),
    "checkpoints folder full": lambda home, mp, rq: on_a_full_disk(mp, home / "checkpoints"),
    "checkpoints folder is a file": lambda home, mp, rq: _a_file_instead(home / "checkpoints"),
    "cache folder read-only": lambda home, mp, rq: make_read_only(home / ".cache", rq),
    "cache folder is a file": lambda home, mp, rq: _a_file_instead(home / ".cache"),
    "cache folder full": lambda home, mp, rq: on_a_full_disk(mp, home / ".cache"),
    "the judge that measures it broken": lambda home, mp, rq: _flip_a_byte(home / "checkpoints" / "judge.safetensors"),
    "training diverges": lambda home, mp, rq: _diverging(mp),
}


@pytest.mark.parametrize("case", rows(cases.TRAIN_FOLDERS, {}))
def test_train_refuses_before_its_first_step(case, tmp_path, monkeypatch, capsys, request):
    home = copy_home(tmp_path / "home")
    use_home(monkeypatch, home)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(fit, "fit", _refuse)  # no training step may be taken,
    for name in registry.FAMILIES:  # nor a family's training begun (it renders the training set first)
        monkeypatch.setattr(registry.module(name), "train", _refuse)
    TRAIN_SETUPS[case.id](home, monkeypatch, request)
    before = snapshot(tmp_path)
    start = time.perf_counter()
    code, out, err = run(capsys, "train", "gan", "--steps", 1)
    assert code == case.status, f"{case.id}: exit {code}\n{out}{err}"
    assert time.perf_counter() - start < 60
    words_in(err, case)
    assert err.startswith("error: "), err
    assert err.count("\n") == 1, err
    assert snapshot(tmp_path) == before  # no checkpoint, no cache entry, no probe file left


# --- export: an odd --out ---------------------------------------------------------------------


def _exported(out: Path) -> Path:
    """Export gan once (the folder the rows then break); its folder."""
    return export.export_painter("gan", out)


def _move_elsewhere(out: Path, tmp: Path) -> None:
    folder = _exported(out)
    shutil.move(folder, tmp / "elsewhere")
    folder.symlink_to(tmp / "elsewhere", target_is_directory=True)


def _replace_with_file(out: Path, tmp: Path) -> None:
    folder = _exported(out)
    shutil.rmtree(folder)
    folder.write_text("not an export")


def _edit_manifest(out: Path, edit: Callable[[dict, Path], object]) -> None:
    folder = _exported(out)
    record = json.loads((folder / "manifest.json").read_text())
    edit(record, folder)
    (folder / "manifest.json").write_text(json.dumps(record))


def _graph_outside(record: dict, folder: Path) -> None:
    """The generator's file named ../outside.onnx, with a copy of the graph there: its sha256
    matches, so only the name gives it away."""
    graph = record["graphs"]["generator"]
    shutil.copy(folder / graph["file"], folder.parent / "outside.onnx")
    graph["file"] = "../outside.onnx"


def _graph_absolute(record: dict, folder: Path) -> None:
    graph = record["graphs"]["generator"]
    shutil.copy(folder / graph["file"], folder.parent / "outside.onnx")
    graph["file"] = str(folder.parent / "outside.onnx")


def _graph_a_link(record: dict, folder: Path) -> None:
    graph = folder / record["graphs"]["generator"]["file"]
    shutil.move(graph, folder.parent / "outside.onnx")
    graph.symlink_to(folder.parent / "outside.onnx")


def _graph_nan(record: dict, folder: Path) -> None:
    """The generator's first float weights NaN inside its ONNX file (its metadata kept), and the
    manifest's size and sha256 updated: a graph whole on disk, and wrong."""
    import hashlib

    import numpy as np
    import onnx
    from onnx import numpy_helper

    graph = record["graphs"]["generator"]
    proto = onnx.load(folder / graph["file"])
    for i, tensor in enumerate(proto.graph.initializer):
        array = numpy_helper.to_array(tensor)
        if array.dtype.kind == "f" and array.size > 1:
            poisoned = numpy_helper.from_array(np.full_like(array, np.nan), tensor.name)
            proto.graph.initializer[i].CopyFrom(poisoned)
            break
    data = proto.SerializeToString()
    (folder / graph["file"]).write_bytes(data)
    graph["bytes"], graph["sha256"] = len(data), hashlib.sha256(data).hexdigest()


def _no_space(*args: object, **kwargs: object) -> bytes:
    raise OSError(28, "No space left on device")


EXPORT_OUT: dict[str, str] = {
    "--out read-only": "ro/onnx",
    "--out on a full disk": "full/onnx",
    "--out under a file": "notes.txt/onnx",
    "--out is a file": "notes.txt",
    "--out with a folder name of 300 characters": "d" * 300 + "/onnx",
}
EXPORT_SETUPS: dict[str, Setup] = {
    "--out read-only": lambda out, tmp, mp, rq: make_read_only(tmp / "ro", rq),
    "--out on a full disk": lambda out, tmp, mp, rq: on_a_full_disk(mp, tmp / "full"),
    "--out under a file": lambda out, tmp, mp, rq: None,
    "--out is a file": lambda out, tmp, mp, rq: None,
    "--out with a folder name of 300 characters": lambda out, tmp, mp, rq: None,
    "the disk fills during the export": lambda out, tmp, mp, rq: (
        out.mkdir(),
        mp.setattr(export, "onnx_bytes", _no_space),
    ),
    "the export folder is a link": lambda out, tmp, mp, rq: _move_elsewhere(out, tmp),
    "the export folder is a file": lambda out, tmp, mp, rq: _replace_with_file(out, tmp),
    "manifest.json truncated": lambda out, tmp, mp, rq: (_exported(out) / "manifest.json").write_text('{"form'),
    "manifest.json nested 100,000 deep": lambda out, tmp, mp, rq: (_exported(out) / "manifest.json").write_text(
        nested_json(100_000)
    ),
    "manifest.json lacks a graph's size": lambda out, tmp, mp, rq: _edit_manifest(
        out, lambda r, f: r["graphs"]["generator"].pop("bytes")
    ),
    "a graph file named ../": lambda out, tmp, mp, rq: _edit_manifest(out, _graph_outside),
    "a graph file named by an absolute path": lambda out, tmp, mp, rq: _edit_manifest(out, _graph_absolute),
    "a graph file that is a link out of the folder": lambda out, tmp, mp, rq: _edit_manifest(out, _graph_a_link),
    "a graph's weights NaN, its sha256 updated": lambda out, tmp, mp, rq: _edit_manifest(out, _graph_nan),
}


@pytest.mark.parametrize("case", rows(cases.EXPORTS, {}))
def test_export_checks_its_folder_first(case, tmp_path, monkeypatch, capsys, request):
    use_home(monkeypatch, copy_home(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not a folder")
    (tmp_path / "full").mkdir()
    out = tmp_path / EXPORT_OUT.get(case.id, "onnx")
    EXPORT_SETUPS[case.id](out, tmp_path, monkeypatch, request)
    kept = {k: v for k, v in snapshot(tmp_path).items() if not k.startswith(str(out / "gan-"))}
    code, stdout, err = run(capsys, "export", "gan", "--out", out)
    assert code == case.status, f"{case.id}: exit {code}\n{stdout}{err}"
    words_in(stdout + err, case)
    assert "Traceback" not in err
    assert no_temporaries(tmp_path) == []
    assert not list(tmp_path.rglob(".gan-*")), "a half-written export folder was left"
    now = snapshot(tmp_path)
    if case.status == 0:
        (folder,) = out.glob("gan-*")
        assert folder.is_dir()
        assert not folder.is_symlink()
        record = export.check_export("gan", out)  # whole and current again
        assert all(g["file"] == f"{name}.onnx" for name, g in record["graphs"].items())
        now = {k: v for k, v in now.items() if not k.startswith(str(folder))}
    assert now == kept  # nothing outside the export's own folder changed (the link's target, ../outside.onnx)


# --- the build's up-front check ---------------------------------------------------------------


@pytest.fixture(scope="module")
def exported_home(tmp_path_factory) -> Path:
    """A project folder of tiny checkpoints whose exports are current (made once here)."""
    home = copy_home(tmp_path_factory.mktemp("exported") / "home")
    export.export_all(None, home / ".cache" / "onnx", home / "checkpoints")
    return home


LAB_ENTRY = {"content": "<p>the lab, executed</p>", "toc_tokens": [], "title": "Lab"}


DIGESTS = "painters-sha256sums.txt"  # notebooks.DIGESTS (checked below)


def _labs(home: Path) -> Path:
    """The labs' cache folder with two entries a build made, and its record of them (as
    notebooks.record_cache writes it: `sha256  name` lines)."""
    import hashlib

    folder = home / ".cache" / "mkdocs-jupyter" / "fingerprint"
    folder.mkdir(parents=True)
    lines = []
    for key in ("a", "b"):
        path = folder / f"{key * 64}.json"
        path.write_text(json.dumps(LAB_ENTRY))
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n")
    (folder / DIGESTS).write_text("".join(lines))
    return folder


def _lab_entry(home: Path) -> Path:
    return home / ".cache" / "mkdocs-jupyter" / "fingerprint" / f"{'a' * 64}.json"


def _tamper(path: Path) -> None:
    path.write_text(path.read_text().replace("executed", "tampered"))


def _lab_a_link(home: Path, tmp: Path) -> None:
    (tmp / "elsewhere.json").write_text(json.dumps({**LAB_ENTRY, "content": "<p>from outside the tree</p>"}))
    _lab_entry(home).unlink()
    _lab_entry(home).symlink_to(tmp / "elsewhere.json")


def _lab_a_folder(home: Path) -> None:
    _lab_entry(home).unlink()
    (_lab_entry(home) / "inside").mkdir(parents=True)


def _export_edit(home: Path, edit: Callable[[dict, Path], object]) -> None:
    (folder,) = (home / ".cache" / "onnx").glob("gan-*")
    record = json.loads((folder / "manifest.json").read_text())
    edit(record, folder)
    (folder / "manifest.json").write_text(json.dumps(record))


def _export_a_link(home: Path, tmp: Path) -> None:
    (folder,) = (home / ".cache" / "onnx").glob("gan-*")
    shutil.move(folder, tmp / "elsewhere")
    folder.symlink_to(tmp / "elsewhere", target_is_directory=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


BUILD_SETUPS: dict[str, Setup] = {
    "gan weights NaN, sha256 updated": lambda h, t, mp, rq: set_weights(h / "checkpoints", "gan", float("nan")),
    "gan outputs not finite, sha256 updated": lambda h, t, mp, rq: set_weights(h / "checkpoints", "gan", 1e38),
    "a loss history missing": lambda h, t, mp, rq: (h / "checkpoints" / "gan.history.json").unlink(),
    "a loss history truncated": lambda h, t, mp, rq: _write(h / "checkpoints" / "gan.history.json", '{"g_loss": [1.'),
    "a loss history with NaN": lambda h, t, mp, rq: _write(
        h / "checkpoints" / "gan.history.json", '{"g_loss": [NaN], "step": [10.0]}'
    ),
    "a benchmark result truncated": lambda h, t, mp, rq: _write(h / "benchmarks" / "bench.json", '{"machine": "x'),
    "onnxruntime-web not installed": lambda h, t, mp, rq: mp.setattr(bundle, "ort_dist", lambda: t / "no-ort"),
    "the cache folder is a file": lambda h, t, mp, rq: _a_file_instead(h / ".cache"),
    "the cache folder read-only": lambda h, t, mp, rq: make_read_only(h / ".cache", rq),
    "an export's graph named ../": lambda h, t, mp, rq: _export_edit(h, _graph_outside),
    "an export manifest truncated": lambda h, t, mp, rq: _write(
        next((h / ".cache" / "onnx").glob("gan-*")) / "manifest.json", '{"form'
    ),
    "an export folder a link": lambda h, t, mp, rq: _export_a_link(h, t),
    "an export's graph NaN, sha256 updated": lambda h, t, mp, rq: _export_edit(h, _graph_nan),
    "a labs' cache entry tampered with": lambda h, t, mp, rq: _tamper(_lab_entry(h)),
    "a labs' cache entry truncated": lambda h, t, mp, rq: _write(_lab_entry(h), _lab_entry(h).read_text()[:20]),
    "a labs' cache entry a folder": lambda h, t, mp, rq: _lab_a_folder(h),
    "a labs' cache entry a link out of the tree": lambda h, t, mp, rq: _lab_a_link(h, t),
    "a labs' cache entry no build made": lambda h, t, mp, rq: _write(
        _lab_entry(h).with_name(f"{'c' * 64}.json"), json.dumps(LAB_ENTRY)
    ),
}
LAB_ROWS = {row for row in BUILD_SETUPS if row.startswith("a labs'")}


@pytest.mark.parametrize("case", rows(tuple(c for c in cases.BUILD if not c.id.startswith("make site")), {}))
def test_the_build_checks_what_it_reads_before_any_page(case, exported_home, tmp_path, monkeypatch, request, caplog):
    home = tmp_path / "home"
    shutil.copytree(exported_home, home, symlinks=True)
    use_home(monkeypatch, home)
    labs = _labs(home) if case.id in LAB_ROWS else home / ".cache" / "mkdocs-jupyter" / "none"
    BUILD_SETUPS[case.id](home, tmp_path, monkeypatch, request)
    outside = {k: v for k, v in snapshot(tmp_path).items() if not k.startswith(str(home))}
    plugin = SimpleNamespace(config={"cache_dir": str(labs)})
    config = {"plugins": {"mkdocs-jupyter": plugin}, "site_dir": str(tmp_path / "site")}
    caplog.set_level(logging.INFO, logger="painters")
    if case.status == "PluginError":
        with pytest.raises(PluginError) as info:
            hooks.on_pre_build(config)
        words_in(str(info.value), case)
    else:
        hooks.on_pre_build(config)  # made good: nothing left that the pages or the plugin would trip on
        words_in(caplog.text, case)
        for name in export.exported_names():
            export.check_export(name)
        assert all(p.is_file() and not p.is_symlink() for p in labs.glob("*.json"))
        assert all(json.loads(p.read_text()) == LAB_ENTRY for p in labs.glob("*.json"))
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith(str(home))} == outside


def test_the_labs_cache_keeps_the_entries_a_build_made(tmp_path, caplog):
    folder = _labs(tmp_path)
    assert notebooks.DIGESTS == DIGESTS
    record = (folder / DIGESTS).read_text()
    notebooks.record_cache(folder)  # the record a build writes is the one written above
    assert (folder / DIGESTS).read_text() == record
    assert notebooks.check_cache(folder) == []  # recorded and unchanged: kept, nothing executed again
    assert len(list(folder.glob("*.json"))) == 2
    (folder / notebooks.DIGESTS).write_text("garbage")  # a garbled record: every entry is executed again
    assert len(notebooks.check_cache(folder)) == 2
    assert "made by no recorded build" in caplog.text


def test_copying_the_exports_into_the_site_reads_nothing_outside_them(exported_home, tmp_path, monkeypatch):
    # on_post_build copies the graphs each export manifest names: only plain files in the
    # export's own folder (a manifest edited to name ../ is refused, not followed)
    home = tmp_path / "home"
    shutil.copytree(exported_home, home, symlinks=True)
    use_home(monkeypatch, home)
    _export_edit(home, _graph_outside)
    refused = re.escape("names a graph file '../outside.onnx' outside its folder")
    with pytest.raises(store.CheckpointError, match=refused):
        bundle.copy_into_site(tmp_path / "site")
    assert not list((tmp_path / "site").rglob("*.onnx"))


# --- make site: the new site beside the old, swapped in only on success -----------------------

FAKE_MKDOCS = """\
import os, sys, time
site = sys.argv[sys.argv.index("--site-dir") + 1]
os.makedirs(site, exist_ok=True)
open(os.path.join(site, "index.html"), "w").write("new")
mode = os.environ["FAKE_MKDOCS"]
if mode == "hang":
    time.sleep(120)
sys.exit(0 if mode == "ok" else 1)
"""
BUILD_MODES = {
    "make site: the build fails half way": "fail",
    "make site: the build is interrupted": "hang",
    "make site: the build succeeds": "ok",
}


@pytest.mark.parametrize("case", rows(tuple(c for c in cases.BUILD if c.id.startswith("make site")), {}))
def test_make_site_swaps_in_a_site_only_when_it_is_built(case, tmp_path):
    (tmp_path / "site" / "assets").mkdir(parents=True)
    (tmp_path / "site" / "index.html").write_text("old")
    fake = tmp_path / "bin" / "mkdocs"
    fake.parent.mkdir()
    fake.write_text(f"#!{sys.executable}\n" + FAKE_MKDOCS)
    fake.chmod(0o755)
    mode = BUILD_MODES[case.id]
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "build_site.py"), "site", "--mkdocs", str(fake)],
        cwd=tmp_path,
        env={**os.environ, "FAKE_MKDOCS": mode},
        preexec_fn=_ctrl_c_as_at_a_terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        if mode == "hang":
            deadline = time.monotonic() + 60
            while not list(tmp_path.glob(".site-new-*/index.html")) and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == case.status, f"{case.id}: exit {proc.returncode}\n{out}{err}"
    words_in(out + err, case)
    assert "Traceback" not in err
    assert (tmp_path / "site" / "index.html").read_text() == ("new" if mode == "ok" else "old")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "site"]  # no half site, no old one


# --- signals and pipes, as a real process -------------------------------------------------------


class _Stderr:
    """A child's stderr, read as it comes (tqdm's bar shows training under way)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.chunks: list[bytes] = []
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for chunk in iter(lambda: proc.stderr.read1(4096), b""):  # type: ignore[union-attr]
            self.chunks.append(chunk)

    @property
    def text(self) -> str:
        return b"".join(self.chunks).decode(errors="replace")


def _ctrl_c_as_at_a_terminal() -> None:
    """In the child before it starts: Ctrl-C's default action. A shell starts a background job
    (`cmd &`, as a CI runner or nohup may) with SIGINT ignored, and every child inherits that, so
    a Ctrl-C sent by the test would be ignored; a person at a terminal gets the default."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _process(argv: tuple[str, ...], home: Path, cwd: Path, **kwargs: object) -> subprocess.Popen[bytes]:
    argv = tuple(a.replace("{out}", str(cwd / "grid.png")) for a in argv)
    env = {**os.environ, "PAINTERS_HOME": str(home), "PAINTERS_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "painters", *argv], cwd=cwd, env=env, preexec_fn=_ctrl_c_as_at_a_terminal, **kwargs
    )


def _interrupted_while_saving(case: Case, tmp_path: Path) -> None:
    # The Ctrl-C is sent the moment the temporary file is seen; on a busy machine the save can
    # still finish first. Then the whole grid must be there and nothing else; a few tries, and at
    # least one must be caught under way (exit 130, nothing left).
    caught = []
    for attempt in range(4):
        folder = tmp_path / f"try{attempt}"
        folder.mkdir()
        proc = _process(case.asked, folder, folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # type: ignore[arg-type]
        seen, err = signal_once_saving(proc, folder, signal.SIGINT)
        assert seen, f"the save was never seen under way (exit {proc.returncode}): {err[-500:]!r}"
        assert b"Traceback" not in err, err
        left = sorted(p.name for p in folder.iterdir())
        if proc.returncode == 0:  # the save won the race: a whole grid, no temporary
            assert left == ["grid.png"], left
            continue
        assert proc.returncode == case.status, err
        assert left == [], "a temporary or half-written file was left"
        caught.append(attempt)
        break
    assert caught, "every save finished before its Ctrl-C arrived"


def _stopped_while_training(case: Case, tmp_path: Path, sig: int) -> None:
    home = copy_home(tmp_path / "home")
    before = snapshot(home / "checkpoints")
    proc = _process(case.asked, home, tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # type: ignore[arg-type]
    err = _Stderr(proc)
    try:
        deadline = time.monotonic() + 240
        while proc.poll() is None and "step" not in err.text and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, f"the training ended before it was stopped: {err.text[-500:]}"
        proc.send_signal(sig)
        proc.wait(timeout=120)
        err.thread.join(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == case.status, err.text[-800:]
    assert "Traceback" not in err.text, err.text[-2000:]
    assert snapshot(home / "checkpoints") == before
    assert no_temporaries(home) == []


def _interrupted_at_start(case: Case, tmp_path: Path) -> None:
    home = copy_home(tmp_path / "home")
    # While numpy and torch load (inside main), and while it checks the checkpoints. (A Ctrl-C in
    # Python's own first ~50 ms, before any of the package's code runs, still gets Python's traceback.)
    for delay in (0.3, 1.0, 2.5):
        proc = _process(case.asked, home, tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # type: ignore[arg-type]
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode in (case.status, -signal.SIGINT), (delay, proc.returncode, err)
        assert b"Traceback" not in err, (delay, err)


def _stdout_closed(case: Case, tmp_path: Path) -> None:
    home = copy_home(tmp_path / "home")
    proc = _process(case.asked, home, tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # type: ignore[arg-type]
    assert proc.stdout is not None
    proc.stdout.close()  # `| head -1` that has read its line and gone
    with contextlib.suppress(ValueError):
        _, err = proc.communicate(timeout=180)
    proc.wait(timeout=180)
    assert proc.returncode == case.status, err
    assert err == b"", err


SIGNAL_CHECKS: dict[str, Callable[[Case, Path], None]] = {
    "Ctrl-C while the PNG is written": _interrupted_while_saving,
    "Ctrl-C while training": lambda case, tmp: _stopped_while_training(case, tmp, signal.SIGINT),
    "Ctrl-C while torch loads": _interrupted_at_start,
    "stdout closed (checkpoints | head -1)": _stdout_closed,
    "SIGTERM while training": lambda case, tmp: _stopped_while_training(case, tmp, signal.SIGTERM),
}


@pytest.mark.parametrize("case", rows(cases.SIGNALS, {}))
def test_signals_and_pipes_end_a_process_quietly(case, tmp_path):
    SIGNAL_CHECKS[case.id](case, tmp_path)


# --- the tables themselves ---------------------------------------------------------------------


def test_every_row_here_is_run():
    assert set(TRAIN_SETUPS) == {row.id for row in cases.TRAIN_FOLDERS}
    assert set(EXPORT_SETUPS) == {row.id for row in cases.EXPORTS}
    assert set(BUILD_SETUPS) | set(BUILD_MODES) == {row.id for row in cases.BUILD}
    assert set(SIGNAL_CHECKS) == {row.id for row in cases.SIGNALS}
    assert set(EXPORT_OUT) <= set(EXPORT_SETUPS)


def test_a_cli_that_imports_nothing_heavy_before_main():
    # Ctrl-C while torch loads is quiet only because the loading happens inside main()
    code = "import sys; import painters.__main__; print(sorted(m for m in ('torch', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_command_line_limits_agree_with_the_package():
    from painters import canvas, options

    assert options.MAX_SAMPLES == canvas.MAX_SAMPLES
    assert options.MAX_SEED == canvas.MAX_SEED
