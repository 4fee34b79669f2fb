"""A checkpoint is current when its behaviour is: what its networks (and sampler) compute from
fixed inputs, recorded in its manifest and compared on every load.

Both directions: code that moves, is renamed or reworded leaves a checkpoint current; code that
changes what a network or sampler computes stales it, with the command that rebuilds it.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest
import torch
from support import FAKE_FAMILY, install_family

from painters.checkpoints import fingerprint, loading, store
from painters.families import diffusion
from painters.training import run as training

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def outputs(scale: float = 1.0) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return {"image": scale * torch.randn((2, 3, 8, 8), generator=g), "score": scale * torch.randn(2, generator=g)}


def test_a_fingerprint_keeps_shape_mean_spread_and_a_few_values():
    fp = fingerprint.of(outputs())
    assert sorted(fp) == ["image", "score"]
    assert fp["image"]["shape"] == [2, 3, 8, 8]
    assert len(fp["image"]["values"]) == fingerprint.VALUES
    assert len(fp["score"]["values"]) == 2  # a small output is kept whole
    assert fp["score"]["values"] == [round(float(v), 7) for v in outputs()["score"]]


def test_the_same_behaviour_is_recognised_through_last_bit_noise():
    saved = fingerprint.of(outputs())
    assert fingerprint.problem(saved, fingerprint.of(outputs())) == ""
    noisy = {k: v * (1 + 1e-6) for k, v in outputs().items()}  # another CPU's rounding, and then some
    assert fingerprint.problem(saved, fingerprint.of(noisy)) == ""


@pytest.mark.parametrize(
    ("now", "message"),
    [
        ({k: v * 1.01 for k, v in outputs().items()}, r"image computes .* now where it computed .* when trained"),
        ({"image": outputs()["image"][:1], "score": outputs()["score"]}, r"image has shape \[1, 3, 8, 8\] now"),
        ({"image": outputs()["image"]}, r"recorded probes \['image', 'score'\], the code now probes \['image'\]"),
    ],
)
def test_changed_behaviour_is_named(now, message):
    assert fingerprint.problem(fingerprint.of(outputs()), fingerprint.of(now)) != ""
    with pytest.raises(AssertionError, match=message):
        raise AssertionError(fingerprint.problem(fingerprint.of(outputs()), fingerprint.of(now)))


@pytest.mark.parametrize(
    "saved",
    [
        "not a mapping",
        {"image": "no", "score": {}},
        {"image": {"shape": [2, 3, 8, 8], "mean": "x", "values": []}, "score": {}},
        {"image": {"shape": [2, 3, 8, 8], "mean": float("nan"), "std": 1.0, "values": [0.0] * 48}, "score": {}},
    ],
)
def test_a_tampered_fingerprint_is_a_problem_not_a_crash(saved):
    assert fingerprint.problem(saved, fingerprint.of(outputs())) != ""


# --- on a checkpoint: both directions -------------------------------------------------------------


def train_fake() -> store.Manifest:
    return training.train_and_save("fake", overrides={"steps": 2}, progress=False)


def test_code_that_moves_or_is_reworded_leaves_a_checkpoint_current(fake_family, home, monkeypatch, tmp_path):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    # The family's code moved to another file and module, its names changed, comments added.
    moved = FAKE_FAMILY.replace("class Model(", "# a comment\nclass Painter(").replace("Model(", "Painter(")
    moved = moved.replace("Model", "Painter").replace('"""A fake painter for the tests."""', '"""Moved, reworded."""')
    install_family(monkeypatch, tmp_path / "elsewhere", "fake", moved)
    loading._load_model.cache_clear()
    model, _ = loading.load_model("fake")
    assert type(model).__name__ == "Painter"


def test_code_that_changes_what_a_network_computes_stales_a_checkpoint(fake_family, home, monkeypatch, tmp_path):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    changed = FAKE_FAMILY.replace("torch.tanh(self.out(", "torch.sigmoid(self.out(")
    assert changed != FAKE_FAMILY
    install_family(monkeypatch, tmp_path / "changed", "fake", changed)
    loading._load_model.cache_clear()
    with pytest.raises(store.CheckpointError, match=r"'fake' is stale: what it computes changed.*python -m painters"):
        loading.load_model("fake")


def test_weights_that_compute_nan_are_refused(fake_family, home, monkeypatch):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    monkeypatch.setattr(fake_family.Model, "forward", lambda self, tokens: torch.full((len(tokens), 3), float("nan")))
    loading._load_model.cache_clear()
    with pytest.raises(store.CheckpointError, match=r"not finite .*colour"):
        loading.load_model("fake")


def test_a_changed_noise_schedule_stales_the_committed_diffusion_painter(monkeypatch):
    """The committed checkpoint, as trained: current; with the sampler's schedule moved: stale."""
    problem = loading.behaviour_problem
    model, manifest = loading.load_model("diffusion")
    assert problem("diffusion", model, manifest) == ""
    monkeypatch.setattr(diffusion, "SCHEDULE_OFFSET", 0.02)
    assert "sampler computes" in problem("diffusion", model, manifest)


def test_the_committed_checkpoints_were_fingerprinted_before_the_package_moved():
    """Their manifests' fingerprints came from the code that trained them (a flat package then);
    loading them with today's layered package still finds the same behaviour."""
    for name, _, problem in loading.check_all():
        assert problem == "", name


def test_a_module_copy_under_another_name_computes_the_same(monkeypatch):
    """The fingerprint does not look at module names: a copy of a family file loaded under another
    name gives the same fingerprint for the same weights."""
    source = sys.modules["painters.families.vae"].__file__
    spec = importlib.util.spec_from_file_location("copied_vae", source)
    assert spec is not None
    assert spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "copied_vae", copy)
    spec.loader.exec_module(copy)
    model, manifest = loading.load_model("vae")
    twin = copy.build(copy.Config(**{k: tuple(v) if isinstance(v, list) else v for k, v in manifest.config.items()}))
    twin.load_state_dict(model.state_dict())
    assert fingerprint.problem(manifest.fingerprint, fingerprint.of(copy.probe(twin.eval()))) == ""
