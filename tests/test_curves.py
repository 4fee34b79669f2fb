"""Learning curves: snapshots at shares of the budget, measured as a painter trains
(training/curves.py), read back and summarised (measure/learning.py)."""

from __future__ import annotations

import dataclasses
import json

import pytest
import torch
from torch import nn

from painters.checkpoints import store
from painters.families import fit, registry
from painters.measure import gallery, learning, metrics
from painters.training import budget, curves
from painters.training import run as training

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py

CONTEST = ("gan", "vae", "diffusion", "autoregressive")


def test_snapshots_fall_where_the_compute_reaches_each_share(monkeypatch):
    taken: list[tuple[float, int]] = []
    monkeypatch.setattr(curves.Snapshots, "take", lambda self, model, f, step: taken.append((f, step)))
    snapshots = curves.Snapshots("gan", budget.Compute({"training": (10.0, 160)}, 0.0))
    for i in range(1, 161):
        snapshots(nn.Linear(1, 1), "gan", i)
    assert taken == [(1 / 16, 10), (1 / 8, 20), (1 / 4, 40), (1 / 2, 80), (1.0, 160)]


def test_a_two_stage_run_counts_its_steps_across_both_loops(monkeypatch):
    taken: list[tuple[float, int]] = []
    monkeypatch.setattr(curves.Snapshots, "take", lambda self, model, f, step: taken.append((f, step)))
    compute = budget.Compute({"tokenizer": (1.0, 32), "transformer": (3.0, 32)}, 0.0)  # total 128
    snapshots = curves.Snapshots("autoregressive", compute)
    for loop, steps in (("autoregressive: tokenizer", 32), ("autoregressive: transformer", 32)):
        for i in range(1, steps + 1):
            snapshots(nn.Linear(1, 1), loop, i)
    assert taken == [(1 / 16, 8), (1 / 8, 16), (1 / 4, 32), (1 / 2, 43), (1.0, 64)]


def test_measuring_snapshots_leaves_training_as_it_would_have_been(home, small_protocol, data, monkeypatch):
    """The same seed gives the same weights with and without a learning curve: measuring draws no
    random number the training then misses, and never touches the model being trained."""
    monkeypatch.setattr(fit, "training_set", lambda *a, **k: data)
    tiny = dataclasses.asdict(registry.module("gan").Config.tiny())
    plain = training.train_and_save("gan", name="gan-plain", overrides=tiny, progress=False)
    curved = training.train_and_save("gan", name="gan-curved", overrides=tiny, progress=False, curve=True)
    a, _ = store.load_checkpoint("gan-plain", home, fix=str)
    b, _ = store.load_checkpoint("gan-curved", home, fix=str)
    for key in a:
        assert torch.equal(a[key], b[key]), key
    assert plain.compute == curved.compute
    data_file = json.loads(store.curve_path("gan-curved", home).read_text())
    assert [p["fraction"] for p in data_file["points"]] == list(curves.FRACTIONS)
    assert data_file["protocol"] == json.loads(json.dumps(metrics.protocol()))
    assert [p["step"] for p in data_file["points"]][-1] == tiny["steps"]
    last = data_file["points"][-1]["metrics"]
    assert json.loads(json.dumps(curved.metrics)) == last  # the manifest's measurement is the last point
    minutes = [p["minutes"] for p in data_file["points"]]
    assert minutes == sorted(minutes)


def test_a_trend_says_whether_the_last_doubling_moved_beyond_the_noise():
    flat = learning.Trend((0.40, 0.50, 0.51), False, "flat")
    assert "flat over the last doubling" in flat.words()
    rising = learning.Trend((0.41, 0.52, 0.60), True, "rising")
    assert rising.words() == "0.41 &rarr; 0.52 &rarr; 0.60: still rising, more compute would help"
    assert "getting worse" in learning.Trend((9.0, 8.0, 9.5), True, "rising").words("{:.1f}", better="lower")


@pytest.mark.parametrize("family", CONTEST)
def test_the_last_point_of_each_curve_is_what_this_build_measures(family):
    """The final point, re-measured at build with the same protocol, agrees with the curve's last
    point within the curve's interval (both are the committed weights on the same protocol)."""
    last = learning.curve(family).last.measured
    now = gallery.measure_family(family)
    for group in ("trained", "held_out"):
        for key in metrics.INTERVAL_KEYS:
            low, high = last[group].interval(key)
            assert low - 1e-9 <= getattr(now, group).value(key) <= high + 1e-9, (family, group, key)


@pytest.mark.parametrize("family", CONTEST)
def test_each_curve_covers_the_budget_in_five_doublings(family):
    c = learning.curve(family)
    assert [p.fraction for p in c.points] == list(curves.FRACTIONS)
    assert c.last.pflop == pytest.approx(c.compute["total_pflop"], rel=1e-6)
    pflops = [p.pflop for p in c.points]
    assert pflops == sorted(pflops)
