"""The family contract, tested once over every registered family (the fake fifth one included).

Every family (families/registry.py) has a Config dataclass with a tiny() preset, build, train
and probe; a painting family also has sample_images and network_passes. What each family does
beyond the contract (its losses, its sampler's options) is tested in its own file.
"""

from __future__ import annotations

import dataclasses
from types import ModuleType

import numpy as np
import pytest
import torch
from support import CPU, FAKE_FAMILY, OTHER, PROMPT, install_family

from painters import canvas
from painters.checkpoints import fingerprint
from painters.families import registry

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py

FAMILIES = (*registry.FAMILIES, "fake")


@pytest.fixture(scope="module")
def family_module(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    name = request.param
    if name != "fake":
        return registry.module(name)
    with pytest.MonkeyPatch.context() as patch:
        install_family(patch, tmp_path_factory.mktemp("fake"), "fake", FAKE_FAMILY)
        return registry.module("fake")  # the contract check, while it is registered


@pytest.fixture(scope="module")
def trained(family_module: ModuleType, data: canvas.Dataset) -> tuple[torch.nn.Module, dict[str, list[float]]]:
    return family_module.train(family_module.Config.tiny(), seed=0, device=CPU, progress=False, data=data)


def paints(module: ModuleType) -> bool:
    return hasattr(module, "sample_images")


def forward_calls(model: torch.nn.Module) -> list[int]:
    count = [0]
    for sub in model.modules():
        sub.register_forward_hook(lambda *a: count.__setitem__(0, count[0] + 1))
    return count


parametrize = pytest.mark.parametrize("family_module", FAMILIES, indirect=True)


@parametrize
def test_a_config_dataclass_with_a_tiny_preset_builds_a_model(family_module):
    config = family_module.Config.tiny()
    assert dataclasses.is_dataclass(config)
    assert isinstance(config, family_module.Config)
    assert isinstance(family_module.build(config), torch.nn.Module)
    assert dataclasses.asdict(family_module.Config())  # the committed configuration has defaults for everything


@parametrize
def test_training_returns_the_model_and_a_finite_loss_history(family_module, trained):
    model, history = trained
    assert isinstance(model, torch.nn.Module)
    assert "step" in history
    losses = {k: v for k, v in history.items() if not k.endswith("step")}
    assert losses
    for name, values in losses.items():
        assert len(values) == len(history["step"]) or name.startswith("vq"), name
        assert np.isfinite(values).all(), name


@parametrize
def test_the_same_seed_gives_the_same_weights_and_another_seed_others(family_module, trained, data):
    config = family_module.Config.tiny()
    again, _ = family_module.train(config, seed=0, device=CPU, progress=False, data=data)
    first, _ = trained
    assert first.state_dict().keys() == again.state_dict().keys()
    for name, p in first.state_dict().items():
        assert torch.equal(p, again.state_dict()[name]), name
    other, _ = family_module.train(config, seed=1, device=CPU, progress=False, data=data)
    assert any(not torch.equal(p, other.state_dict()[name]) for name, p in first.state_dict().items())


@parametrize
def test_probe_is_finite_and_the_same_every_time(family_module, trained):
    model, _ = trained
    model.eval()
    a, b = family_module.probe(model), family_module.probe(model)
    assert a
    assert all(isinstance(v, torch.Tensor) and v.is_floating_point() and torch.isfinite(v).all() for v in a.values())
    assert fingerprint.problem(fingerprint.of(a), fingerprint.of(b)) == ""


@parametrize
def test_sampling_gives_uint8_pictures_the_same_for_a_seed(family_module, trained):
    if not paints(family_module):
        pytest.skip("does not paint")
    model, _ = trained
    a = family_module.sample_images(model, PROMPT, 5, seed=3)
    assert a.shape == (5, 32, 32, 3)
    assert a.dtype == np.uint8
    np.testing.assert_array_equal(a, family_module.sample_images(model, PROMPT, 5, seed=3))
    assert not np.array_equal(a, family_module.sample_images(model, PROMPT, 5, seed=4))


@parametrize
def test_one_prompt_per_picture_paints_each_as_alone(family_module, trained):
    if not paints(family_module):
        pytest.skip("does not paint")
    model, _ = trained
    mixed = family_module.sample_images(model, [PROMPT, OTHER, PROMPT, OTHER], 4, seed=2)
    first = family_module.sample_images(model, PROMPT, 4, seed=2)
    second = family_module.sample_images(model, OTHER, 4, seed=2)
    np.testing.assert_array_equal(mixed[[0, 2]], first[[0, 2]])
    np.testing.assert_array_equal(mixed[[1, 3]], second[[1, 3]])
    with pytest.raises(ValueError, match="3 prompts for 4 pictures"):
        family_module.sample_images(model, [PROMPT] * 3, 4)


@parametrize
def test_a_bad_prompt_or_count_is_refused_before_any_network_runs(family_module, trained):
    if not paints(family_module):
        pytest.skip("does not paint")
    model, _ = trained
    count = forward_calls(model)
    with pytest.raises(canvas.PromptError):
        family_module.sample_images(model, "a red unicorn on a beach at sunset", 2)
    for n in (0, -1, canvas.MAX_SAMPLES + 1, 2.5, True):
        with pytest.raises(ValueError, match="between 1 and"):
            family_module.sample_images(model, PROMPT, n)
    assert count[0] == 0


@parametrize
def test_network_passes_is_a_whole_number_fixed_by_the_config(family_module):
    if not paints(family_module):
        pytest.skip("does not paint")
    passes = family_module.network_passes(family_module.Config())
    assert isinstance(passes, int)
    assert passes >= 1
