"""The VAE with a tiny config: shapes, a falling loss, the page's handles, determinism."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from painters import vae, world

CPU = torch.device("cpu")
PROMPT = world.SHARED_PROMPT


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def data() -> world.Dataset:
    return world.make_dataset(256, 1)


@pytest.fixture(scope="module")
def trained(data: world.Dataset) -> tuple[vae.VAE, dict[str, list[float]]]:
    return vae.train(vae.Config.tiny(), seed=0, device=CPU, progress=False, data=data)


def test_encoder_and_decoder_shapes() -> None:
    config = vae.Config.tiny()
    model = vae.build(config)
    x = torch.rand(4, 3, 32, 32) * 2 - 1
    tokens = torch.tensor([world.encode(PROMPT)] * 4)
    eps = torch.randn(4, config.latent_dim)
    out = model(x, tokens, eps)
    assert out["mu"].shape == out["logvar"].shape == (4, config.latent_dim)
    assert out["x_hat"].shape == (4, 3, 32, 32)
    assert vae.latent_size(model) == config.latent_dim


def test_the_loss_falls_within_a_few_dozen_steps(trained) -> None:
    _, history = trained
    assert {"loss", "recon", "kl", "mse", "step"} <= set(history)
    assert history["loss"][-1] < 0.7 * history["loss"][0]


def test_reconstruct_encode_decode_and_interpolate(trained) -> None:
    model, _ = trained
    images = world.render_prompt(PROMPT, 3)
    rebuilt = vae.reconstruct(model, images, PROMPT)
    assert rebuilt.shape == (3, 32, 32, 3)
    assert rebuilt.dtype == np.uint8
    mu, logvar = vae.encode_images(model, images, [PROMPT] * 3)
    assert mu.shape == logvar.shape == (3, model.config.latent_dim)
    np.testing.assert_array_equal(vae.decode_latents(model, mu, PROMPT), rebuilt)
    z = vae.prior_latents(model, PROMPT, 2, seed=1)
    strip = vae.interpolate(model, PROMPT, z[0], z[1], steps=5)
    assert strip.shape == (5, 32, 32, 3)
    ends = vae.decode_latents(model, z, PROMPT).astype(int)
    assert np.abs(strip[[0, -1]].astype(int) - ends).max() <= 1  # the path starts and ends at z_a, z_b
    with pytest.raises(ValueError, match="prompts"):
        vae.reconstruct(model, images, [PROMPT] * 2)


def test_sampling_is_deterministic_for_a_seed(trained) -> None:
    model, _ = trained
    a = vae.sample_images(model, PROMPT, 4, seed=2)
    b = vae.sample_images(model, PROMPT, 4, seed=2)
    c = vae.sample_images(model, PROMPT, 4, seed=3)
    assert a.shape == (4, 32, 32, 3)
    assert a.dtype == np.uint8
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_same_seed_gives_identical_weights(data: world.Dataset, trained) -> None:
    again, _ = vae.train(vae.Config.tiny(), seed=0, device=CPU, progress=False, data=data)
    first, _ = trained
    for (name, p), q in zip(first.state_dict().items(), again.state_dict().values(), strict=True):
        assert torch.equal(p, q), name


def test_a_bad_prompt_is_rejected(trained) -> None:
    model, _ = trained
    with pytest.raises(world.PromptError):
        vae.sample_images(model, "a red bicycle on the moon at sunset", 2)
