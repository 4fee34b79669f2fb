"""The GAN with a tiny config: shapes, its losses, learning on fresh pictures, sampling, determinism."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from support import CPU, PROMPT, forward_calls

from painters import canvas
from painters.families import fit, gan

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def trained(data: canvas.Dataset) -> tuple[gan.GAN, dict[str, list[float]]]:
    return gan.train(gan.Config.tiny(), seed=0, device=CPU, progress=False, data=data)


def test_networks_have_the_right_shapes() -> None:
    config = gan.Config.tiny()
    model = gan.build(config)
    z = torch.randn(6, config.z_dim)
    tokens = torch.tensor([canvas.encode(PROMPT)] * 6)
    images = model.generator(z, tokens)
    assert images.shape == (6, 3, 32, 32)
    assert images.abs().max() <= 1.0
    assert model.discriminator(images, tokens).shape == (6,)
    assert model.discriminator.features(images).shape == (6, 4 * config.d_width)


def test_the_losses_of_the_contest() -> None:
    sure = torch.tensor([2.0, 3.0])  # beyond the hinge's margin: nothing to learn
    none = torch.zeros(2)
    both = torch.ones(2)
    assert gan.discriminator_loss(sure, -sure, -sure, both, 0.5).item() == 0.0
    assert gan.discriminator_loss(none, none, none, both, 0.5).item() == pytest.approx(2.5)
    # a "wrong caption" that names the same scene is no mismatch, and costs nothing
    assert gan.discriminator_loss(none, none, none, torch.zeros(2), 0.5).item() == pytest.approx(2.0)
    assert gan.generator_loss(torch.tensor([1.0, 3.0])).item() == -2.0
    z_a, z_b = torch.zeros(2, 4), torch.ones(2, 4)
    same = torch.zeros(2, 3, 32, 32)
    apart = gan.mode_seeking_loss(same, same + 0.5, z_a, z_b)
    assert apart.item() == pytest.approx(2.0, rel=1e-3)  # 1 / (0.5 / 1)
    assert gan.mode_seeking_loss(same, same, z_a, z_b).item() > 1e4  # two alike pictures cost a lot


def test_the_critic_learns_to_tell_fresh_pictures_from_fakes(trained, fresh) -> None:
    def critic(model: gan.GAN) -> tuple[float, float, float]:
        model.eval()
        with torch.no_grad():
            z = torch.randn(len(fresh), model.generator.z_dim, generator=torch.Generator().manual_seed(3))
            d_real = model.discriminator(fresh.images, fresh.tokens)
            d_fake = model.discriminator(model.generator(z, fresh.tokens), fresh.tokens)
        hinge = torch.relu(1 - d_real).mean() + torch.relu(1 + d_fake).mean()
        return hinge.item(), d_real.mean().item(), d_fake.mean().item()

    fit.seed_everything(0)
    untrained = gan.build(gan.Config.tiny())  # the same start as the trained one (seed 0)
    model, history = trained
    before, after = critic(untrained), critic(model)
    assert after[0] < 0.7 * before[0], (before, after)
    assert after[1] > after[2] + 1.0  # fresh real pictures score well above fakes
    assert {"d_loss", "g_loss", "d_real", "d_fake", "seek", "step"} <= set(history)
    assert history["step"] == [10.0, 20.0, 30.0]


def test_truncation_draws_the_noise_nearer_its_centre(trained) -> None:
    model, _ = trained
    np.testing.assert_array_equal(
        gan.sample_images(model, PROMPT, 4, seed=1, truncation=1.0), gan.sample_images(model, PROMPT, 4, seed=1)
    )
    centre = gan.sample_images(model, PROMPT, 4, seed=1, truncation=0.0)
    assert all(np.array_equal(image, centre[0]) for image in centre)  # z = 0 for all: one picture
    spread = [gan.sample_images(model, PROMPT, 16, seed=1, truncation=t).astype(float).std(0).mean() for t in (0.3, 1)]
    assert spread[0] < spread[1]


def test_the_averaged_generator_is_what_samples(trained) -> None:
    model, _ = trained
    ema = gan.sample_images(model, PROMPT, 3, seed=1)
    raw = gan.sample_images(model, PROMPT, 3, seed=1, ema=False)
    assert not np.array_equal(ema, raw)


def test_network_passes_is_what_the_sampler_runs(trained) -> None:
    model, _ = trained
    count = forward_calls(model.generator_ema)
    gan.sample_images(model, PROMPT, 7, seed=0)
    assert count[0] == gan.network_passes(model.config)


def test_the_discriminator_gives_one_score_per_image(trained) -> None:
    model, _ = trained
    images = canvas.render_prompt(PROMPT, 3)
    scores = gan.discriminator_scores(model, images, PROMPT)
    assert scores.shape == (3,)
    assert np.isfinite(scores).all()
    np.testing.assert_array_equal(gan.discriminator_scores(model, images, [PROMPT] * 3), scores)
