"""Checkpoints: safetensors + manifest, refused when missing, corrupt, pickled or stale."""

import json
import pickle

import pytest
import torch

from painters import store


def _save(tmp_path, name="judge"):
    weights = {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3)}
    config = {"width": 2}
    manifest = store.Manifest(
        name=name, family="judge", config=config, source_hash=store.source_hash("judge", config),
        seed=0, steps=1, wall_seconds=0.1, hardware="test", device="cpu", torch_version=torch.__version__,
    )  # fmt: skip
    store.save_checkpoint(manifest, weights, {"loss": [1.0, 0.5], "step": [1.0, 2.0]}, tmp_path)
    return weights


def test_round_trip(tmp_path):
    weights = _save(tmp_path)
    loaded, manifest = store.load_checkpoint("judge", tmp_path)
    assert torch.equal(loaded["w"], weights["w"])
    assert manifest.weights_sha256 == store.file_sha256(tmp_path / "judge.safetensors")
    assert store.load_history("judge", tmp_path)["loss"] == [1.0, 0.5]


def test_missing_checkpoint_names_the_command_that_makes_it(tmp_path):
    with pytest.raises(store.CheckpointError, match="python -m painters train judge"):
        store.load_checkpoint("judge", tmp_path)


def test_corrupt_weights_are_refused(tmp_path):
    _save(tmp_path)
    path = tmp_path / "judge.safetensors"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(store.CheckpointError, match=r"corrupt.*python -m painters train judge"):
        store.load_checkpoint("judge", tmp_path)


def test_truncated_weights_are_refused(tmp_path):
    _save(tmp_path)
    path = tmp_path / "judge.safetensors"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(store.CheckpointError, match="corrupt"):
        store.load_checkpoint("judge", tmp_path)


def test_a_pickle_is_never_loaded(tmp_path):
    _save(tmp_path)
    (tmp_path / "judge.safetensors").write_bytes(pickle.dumps({"w": [1, 2, 3]}))
    with pytest.raises(store.CheckpointError, match="pickle"):
        store.load_checkpoint("judge", tmp_path)


def test_a_torch_save_zip_is_never_loaded(tmp_path):
    _save(tmp_path)
    torch.save({"w": torch.zeros(2)}, tmp_path / "judge.safetensors")
    with pytest.raises(store.CheckpointError, match="pickle"):
        store.load_checkpoint("judge", tmp_path)


def test_stale_source_is_refused(tmp_path):
    _save(tmp_path)
    path = tmp_path / "judge.json"
    manifest = json.loads(path.read_text())
    manifest["source_hash"] = "0" * 64  # as if judge.py had changed since training
    path.write_text(json.dumps(manifest))
    with pytest.raises(store.CheckpointError, match=r"stale.*python -m painters train judge"):
        store.load_checkpoint("judge", tmp_path)


def test_changed_config_is_stale(tmp_path):
    _save(tmp_path)
    path = tmp_path / "judge.json"
    manifest = json.loads(path.read_text())
    manifest["config"]["width"] = 3
    path.write_text(json.dumps(manifest))
    with pytest.raises(store.CheckpointError, match="stale"):
        store.load_checkpoint("judge", tmp_path)


def test_unreadable_manifest(tmp_path):
    _save(tmp_path)
    (tmp_path / "judge.json").write_text("{not json")
    with pytest.raises(store.CheckpointError, match="unreadable"):
        store.load_checkpoint("judge", tmp_path)


def test_source_hash_ignores_comments_and_docstrings_but_not_code(tmp_path):
    plain = "def f(x):\n    return x + 1\n"
    commented = 'def f(x):\n    """Add one."""\n    # the answer\n    return x + 1  # done\n'
    changed = "def f(x):\n    return x + 2\n"
    prints = []
    for i, text in enumerate((plain, commented, changed)):
        path = tmp_path / f"m{i}.py"
        path.write_text(text)
        prints.append(store._code_fingerprint(path))
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_committed_checkpoints_are_all_current():
    names = sorted(p.stem for p in store.CHECKPOINTS.glob("*.json") if not p.stem.endswith(".history"))
    assert "judge" in names
    for name in names:
        store.load_checkpoint(name)  # raises if any committed checkpoint is corrupt or stale
