"""The GAN with a tiny config: shapes, a falling loss, sampling, determinism, the ring demo."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from painters import gan, world

CPU = torch.device("cpu")
PROMPT = world.SHARED_PROMPT


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def data() -> world.Dataset:
    return world.make_dataset(256, 1)


@pytest.fixture(scope="module")
def trained(data: world.Dataset) -> tuple[gan.GAN, dict[str, list[float]]]:
    return gan.train(gan.Config.tiny(), seed=0, device=CPU, progress=False, data=data)


def test_networks_have_the_right_shapes() -> None:
    model = gan.build(gan.Config.tiny())
    z = torch.randn(6, model.generator.z_dim)
    tokens = torch.tensor([world.encode(PROMPT)] * 6)
    images = model.generator(z, tokens)
    assert images.shape == (6, 3, 32, 32)
    assert images.abs().max() <= 1.0
    assert model.discriminator(images, tokens).shape == (6,)


def test_the_discriminator_learns_within_a_few_dozen_steps(trained) -> None:
    _, history = trained
    assert {"d_loss", "g_loss", "d_real", "d_fake", "step"} <= set(history)
    assert len(history["d_loss"]) == 3  # 30 steps, logged every 10
    # Hinge loss starts near 2 (scores near 0) and falls as D tells real from fake.
    assert history["d_loss"][-1] < history["d_loss"][0]
    assert history["d_real"][-1] > history["d_fake"][-1]


def test_sampling_gives_uint8_images_deterministic_for_a_seed(trained) -> None:
    model, _ = trained
    a = gan.sample_images(model, PROMPT, 5, seed=3)
    b = gan.sample_images(model, PROMPT, 5, seed=3)
    c = gan.sample_images(model, PROMPT, 5, seed=4)
    assert a.shape == (5, 32, 32, 3)
    assert a.dtype == np.uint8
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_the_discriminator_gives_one_score_per_image(trained) -> None:
    model, _ = trained
    scores = gan.discriminator_scores(model, world.render_prompt(PROMPT, 3), PROMPT)
    assert scores.shape == (3,)
    assert np.isfinite(scores).all()


def test_same_seed_gives_identical_weights(data: world.Dataset, trained) -> None:
    config = gan.Config.tiny()
    config.steps = 30
    again, _ = gan.train(config, seed=0, device=CPU, progress=False, data=data)
    first, _ = trained
    for (name, p), q in zip(first.state_dict().items(), again.state_dict().values(), strict=True):
        assert torch.equal(p, q), name


def test_a_bad_prompt_is_rejected(trained) -> None:
    model, _ = trained
    with pytest.raises(world.PromptError):
        gan.sample_images(model, "a red unicorn on a beach at sunset", 2)


def test_the_fix_covers_more_modes_of_the_ring_than_the_plain_gan() -> None:
    plain = gan.ring_of_gaussians_demo(fix=False, steps=1500, seed=0)
    fixed = gan.ring_of_gaussians_demo(fix=True, steps=1500, seed=0)
    assert plain["samples"].shape == fixed["samples"].shape == (1024, 2)
    assert fixed["coverage"] > plain["coverage"]
