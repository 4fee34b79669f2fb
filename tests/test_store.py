"""Checkpoint files: safetensors + manifest, refused when missing, corrupt, pickled, mistyped or
not finite.

store.py knows files, not families: the tests hand it the fix message, as the loader does.
Whether a checkpoint is current (its behaviour) is tested in test_fingerprint.py and
test_registry.py.
"""

import json
import os
import pickle
import tracemalloc

import pytest
import torch

from painters.checkpoints import store
from painters.core import files
from painters.families import registry


def fix(manifest: store.Manifest | None) -> str:
    return "rebuild it" if manifest is None else f"rebuild it with seed {manifest.seed}"


def load(name="thing", directory=None):
    return store.load_checkpoint(name, directory, fix=fix)


def manifest_for(name="thing", config=None) -> store.Manifest:
    config = {"width": 2} if config is None else config
    return store.Manifest(
        name=name, family="thing", config=config, fingerprint={"out": {"shape": [1], "mean": 0.5, "values": [0.5]}},
        seed=5, steps=1, wall_seconds=0.1, hardware="test", device="cpu", torch_version=torch.__version__,
    )  # fmt: skip


def save(directory, name="thing"):
    weights = {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3), "b": torch.ones(3, dtype=torch.float64)}
    store.save_checkpoint(manifest_for(name), weights, {"loss": [1.0, 0.5], "step": [1.0, 2.0]}, directory)
    return weights


def edit_manifest(directory, change, name="thing"):
    path = directory / f"{name}.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


# --- round trip -------------------------------------------------------------------------------


def test_round_trip(tmp_path):
    weights = save(tmp_path)
    loaded, manifest = load(directory=tmp_path)
    assert loaded.keys() == weights.keys()
    for key, value in weights.items():
        assert torch.equal(loaded[key], value)
        assert loaded[key].dtype == value.dtype
    assert manifest.weights_sha256 == store.file_sha256(tmp_path / "thing.safetensors")
    assert manifest.config == {"width": 2}
    assert manifest.seed == 5
    assert manifest.created  # dated when saved
    assert store.load_history("thing", tmp_path) == {"loss": [1.0, 0.5], "step": [1.0, 2.0]}
    assert store.names(tmp_path) == ["thing"]


def test_saving_leaves_no_temporary_and_gives_plain_file_modes(tmp_path):
    previous = os.umask(0o022)
    try:
        save(tmp_path)
    finally:
        os.umask(previous)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["thing.history.json", "thing.json", "thing.safetensors"]
    for path in tmp_path.iterdir():
        assert path.stat().st_mode & 0o777 == 0o644, path.name


def test_an_interrupted_save_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    save(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "save_file", broken)
    with pytest.raises(KeyboardInterrupt):
        store.save_checkpoint(manifest_for(), {"w": torch.zeros(1)}, None, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    load(directory=tmp_path)


def test_names_lists_every_checkpoint_once_and_no_history(tmp_path):
    save(tmp_path, "thing")
    save(tmp_path, "thing-b")
    (tmp_path / "thing-c.safetensors").write_bytes(b"")  # weights without a manifest still count
    (tmp_path / "notes.txt").write_text("x")
    assert store.names(tmp_path) == ["thing", "thing-b", "thing-c"]


def test_a_missing_folder_says_where_the_package_looks(tmp_path):
    with pytest.raises(store.CheckpointError, match="PAINTERS_HOME"):
        store.names(tmp_path / "nowhere")
    with pytest.raises(store.CheckpointError, match="no checkpoints folder"):
        load(directory=tmp_path / "nowhere")


def test_reading_a_checkpoint_notes_its_use(tmp_path):
    save(tmp_path, "thing")
    save(tmp_path, "thing-b")
    store.take_used()
    store.read_manifest("thing-b", tmp_path)
    load(directory=tmp_path)
    store.load_history("thing", tmp_path)
    assert store.take_used() == ["thing", "thing-b"]
    assert store.take_used() == []


# --- refusals ---------------------------------------------------------------------------------


def test_a_missing_checkpoint_names_the_fix(tmp_path):
    with pytest.raises(store.CheckpointError, match=r"no checkpoint 'thing'.*missing; rebuild it$"):
        load(directory=tmp_path)


def test_a_manifest_without_weights_is_refused(tmp_path):
    save(tmp_path)
    (tmp_path / "thing.safetensors").unlink()
    with pytest.raises(store.CheckpointError, match=r"a manifest but no weights.*rebuild it with seed 5"):
        load(directory=tmp_path)


def test_corrupt_weights_are_refused(tmp_path):
    save(tmp_path)
    path = tmp_path / "thing.safetensors"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(store.CheckpointError, match=r"corrupt.*git checkout -- checkpoints/thing.safetensors.*seed 5"):
        load(directory=tmp_path)


def test_truncated_weights_are_refused(tmp_path):
    save(tmp_path)
    path = tmp_path / "thing.safetensors"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(store.CheckpointError, match="corrupt"):
        load(directory=tmp_path)


def test_a_pickle_is_never_loaded(tmp_path):
    save(tmp_path)
    path = tmp_path / "thing.safetensors"
    path.write_bytes(pickle.dumps({"w": [1, 2, 3]}))
    edit_manifest(tmp_path, lambda m: m.update(weights_sha256=store.file_sha256(path)))  # even with a matching sha
    with pytest.raises(store.CheckpointError, match=r"pickle/zip file.*never loaded"):
        load(directory=tmp_path)


def test_a_torch_save_zip_is_never_loaded(tmp_path):
    save(tmp_path)
    path = tmp_path / "thing.safetensors"
    torch.save({"w": torch.zeros(2)}, path)
    edit_manifest(tmp_path, lambda m: m.update(weights_sha256=store.file_sha256(path)))
    with pytest.raises(store.CheckpointError, match="pickle/zip"):
        load(directory=tmp_path)


def test_weights_that_are_not_safetensors_are_refused_even_with_a_matching_sha(tmp_path):
    save(tmp_path)
    path = tmp_path / "thing.safetensors"
    path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not a header}")
    edit_manifest(tmp_path, lambda m: m.update(weights_sha256=store.file_sha256(path)))
    with pytest.raises(store.CheckpointError, match=r"cannot be read as safetensors.*seed 5"):
        load(directory=tmp_path)


def test_weights_that_are_not_finite_are_refused_even_with_a_matching_sha(tmp_path):
    weights = save(tmp_path)
    weights["w"][0, 1] = float("nan")
    store.save_checkpoint(manifest_for(), weights, None, tmp_path)  # a whole file, honestly hashed
    with pytest.raises(store.CheckpointError, match=r"not finite numbers.*1 tensor\(s\), e.g. w.*diverged.*seed 5"):
        load(directory=tmp_path)
    weights["w"][0, 1] = float("inf")
    store.save_checkpoint(manifest_for(), weights, None, tmp_path)
    with pytest.raises(store.CheckpointError, match="not finite"):
        load(directory=tmp_path)


def test_a_large_weights_file_is_hashed_in_chunks_not_read_whole(tmp_path):
    save(tmp_path)
    path = tmp_path / "thing.safetensors"
    with path.open("r+b") as f:
        f.truncate(50 * 2**20)  # sparse: 50 MB on paper, nothing on disk
    tracemalloc.start()
    try:
        with pytest.raises(store.CheckpointError, match="corrupt"):
            load(directory=tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, f"checking a 50 MB file held {peak / 2**20:.0f} MB at once"


# --- manifests --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(wall_seconds="x"), "field 'wall_seconds' is 'x', expected float"),
        (lambda m: m.update(seed=True), "field 'seed' is True, expected int"),
        (lambda m: m.update(seed=1.5), "field 'seed' is 1.5, expected int"),
        (lambda m: m.update(config=[1, 2]), "field 'config' is .*expected dict"),
        (lambda m: m.update(name=None), "field 'name' is None, expected str"),
        (lambda m: m.pop("fingerprint"), "field 'fingerprint' is missing"),
        (lambda m: m.update(fingerprint=[1]), "field 'fingerprint' is .*expected dict"),
        (lambda m: m.update(surprise=1), r"unknown field\(s\) surprise"),
    ],
)
def test_a_mistyped_manifest_is_refused_naming_the_field(tmp_path, change, message):
    save(tmp_path)
    edit_manifest(tmp_path, change)
    with pytest.raises(store.CheckpointError, match=f"unreadable.*{message}"):
        load(directory=tmp_path)
    with pytest.raises(store.CheckpointError, match=message):
        store.read_manifest("thing", tmp_path)


def test_manifest_types_accept_what_json_writes():
    data = json.loads(json.dumps(manifest_for().__dict__))
    data["wall_seconds"] = 3  # a whole number of seconds is still a float field's value
    assert store.Manifest.from_json(data).wall_seconds == 3
    data.pop("metrics")  # fields with defaults may be left out
    assert store.Manifest.from_json(data).metrics == {}
    with pytest.raises(ValueError, match="expected a JSON object, found list"):
        store.Manifest.from_json([data])


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe{}", b"[]", b""])
def test_an_unreadable_manifest_is_refused(tmp_path, content):
    save(tmp_path)
    (tmp_path / "thing.json").write_bytes(content)
    with pytest.raises(store.CheckpointError, match=r"unreadable.*rebuild it"):
        load(directory=tmp_path)


def test_a_manifest_for_another_checkpoint_is_refused(tmp_path):
    save(tmp_path, "thing-b")
    (tmp_path / "thing-b.json").rename(tmp_path / "thing.json")
    (tmp_path / "thing-b.safetensors").rename(tmp_path / "thing.safetensors")
    with pytest.raises(store.CheckpointError, match="is for checkpoint 'thing-b', not 'thing'"):
        load(directory=tmp_path)


def test_a_bad_loss_history_is_refused(tmp_path):
    save(tmp_path)
    path = tmp_path / "thing.history.json"
    path.write_text(json.dumps({"loss": [1.0, "x"]}))
    with pytest.raises(store.CheckpointError, match="not lists of numbers"):
        store.load_history("thing", tmp_path)
    path.write_bytes(b"\xff")
    with pytest.raises(store.CheckpointError, match="unreadable"):
        store.load_history("thing", tmp_path)
    path.unlink()
    with pytest.raises(store.CheckpointError, match="no loss history"):
        store.load_history("thing", tmp_path)


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../../x", "/abs", "a/b", "vae/../../x", "a\\b", "", "Vae", "1vae", "vae..x", "-vae", "vae\n", "vae x",
     "x" * 65, None, 3],
)  # fmt: skip
def test_a_name_that_could_leave_the_folder_or_is_odd_is_refused(tmp_path, name):
    with pytest.raises(ValueError, match="checkpoint name"):
        registry.check_name(name)
    with pytest.raises(ValueError, match="checkpoint name"):
        load(name, directory=tmp_path)
    with pytest.raises(ValueError, match="checkpoint name"):
        store.save_checkpoint(manifest_for(name), {"w": torch.zeros(1)}, None, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["vae", "vae-beta0.1", "judge_2", "a", "x" * 64])
def test_ordinary_names_are_accepted(name):
    assert registry.check_name(name) == name


# --- the code hash of cache entries ------------------------------------------------------------


def test_code_hash_ignores_comments_and_docstrings_but_not_code(tmp_path):
    plain = "def f(x):\n    return x + 1\n"
    commented = 'def f(x):\n    """Add one."""\n    # the answer\n    return x + 1  # done\n'
    reformatted = "def f(x):\n    return (x\n            + 1)\n"
    changed = "def f(x):\n    return x + 2\n"
    hashes = []
    for i, text in enumerate((plain, commented, reformatted, changed)):
        path = tmp_path / f"m{i}" / "m.py"
        path.parent.mkdir()
        path.write_text(text)
        hashes.append(files.code_hash([path]))
    assert hashes[0] == hashes[1] == hashes[2]
    assert hashes[0] != hashes[3]
