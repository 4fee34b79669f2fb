"""Training compute, counted (training/budget.py), and the committed painters on one budget."""

from __future__ import annotations

import dataclasses

import pytest
from support import CPU

from painters.checkpoints import store
from painters.families import registry
from painters.training import budget

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py

CONTEST = ("gan", "vae", "diffusion", "autoregressive")


def counted(family: str, config, data) -> float:
    """FLOPs of one whole run, counted directly."""
    with budget.FlopCounter() as counter:
        registry.module(family).train(config, seed=0, device=CPU, progress=False, data=data)
    return float(counter.get_total_flops())


def test_a_gans_count_adds_up_to_a_whole_run_r1_steps_included(data):
    config = dataclasses.replace(registry.module("gan").Config.tiny(), steps=24, r1=1.0, r1_every=4)
    compute = budget.count("gan", config, data)
    assert compute.total == pytest.approx(counted("gan", config, data), rel=1e-9)
    no_r1 = budget.count("gan", dataclasses.replace(config, r1=0.0), data)
    per_step = compute.phases["training"][0]
    assert per_step > no_r1.phases["training"][0]  # the penalty's double backward is counted
    assert compute.cumulative(0) == compute.fixed == 0.0
    assert compute.cumulative(12) == pytest.approx(12 * per_step)


def test_a_two_stage_count_adds_up_phases_the_critic_and_the_fixed_encoding(data):
    ar = registry.module("autoregressive")
    config = dataclasses.replace(ar.Config.tiny(), vq_steps=40, adversarial_start=24, steps=36)
    compute = budget.count("autoregressive", config, data)
    assert list(compute.phases) == ["tokenizer", "tokenizer and critic", "transformer"]
    assert [steps for _, steps in compute.phases.values()] == [24, 16, 36]
    assert compute.phases["tokenizer and critic"][0] > compute.phases["tokenizer"][0]  # the critic costs
    assert compute.fixed > 0  # the training set encoded into tokens once, between the two loops
    assert compute.fixed_at == 40
    assert compute.cumulative(40) - compute.cumulative(39) > compute.fixed
    assert compute.total == pytest.approx(counted("autoregressive", config, data), rel=1e-9)


def test_steps_for_the_budget_keep_the_phases_shares():
    compute = budget.Compute({"a": (2e9, 100), "b": (1e9, 300)}, 5e11)
    steps = budget.steps_for_budget(compute, budget=compute.fixed + 2 * (compute.total - compute.fixed))
    assert steps == {"a": 200, "b": 600}


@pytest.mark.parametrize("name", [*CONTEST, "judge", "vae-beta1"])
def test_every_committed_checkpoint_records_its_counted_compute(name):
    compute = store.read_manifest(name).compute
    assert compute, f"{name}: no compute recorded; run `make checkpoints`"
    phases = compute["phases"]
    total = sum(p["gflop_per_step"] * p["steps"] for p in phases.values()) * 1e9 + compute["fixed_gflop"] * 1e9
    assert total / 1e15 == pytest.approx(compute["total_pflop"], rel=1e-3)
    assert "double backward" in compute["counted_with"]


def test_the_painters_trained_on_one_budget_within_two_percent():
    totals = {name: store.read_manifest(name).compute.get("total_pflop", 0.0) * 1e15 for name in CONTEST}
    for name, total in totals.items():
        assert abs(total - budget.BUDGET) <= budget.TOLERANCE * budget.BUDGET, (name, total)
    assert max(totals.values()) / min(totals.values()) <= 1 + budget.TOLERANCE
