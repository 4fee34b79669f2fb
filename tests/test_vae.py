"""The VAE with a tiny config: shapes, the ELBO, learning on fresh pictures, the page's handles,
sampling, determinism."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from support import CPU, PROMPT, forward_calls

from painters import canvas
from painters.families import fit, vae

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def trained(data: canvas.Dataset) -> tuple[vae.VAE, dict[str, list[float]]]:
    return vae.train(vae.Config.tiny(), seed=0, device=CPU, progress=False, data=data)


def test_encoder_decoder_and_prior_shapes() -> None:
    config = vae.Config.tiny()
    model = vae.build(config)
    x = torch.rand(4, 3, 32, 32) * 2 - 1
    tokens = torch.tensor([canvas.encode(PROMPT)] * 4)
    out = model(x, tokens, torch.randn(4, config.latent_dim))
    for key in ("mu", "logvar", "mu_p", "logvar_p"):
        assert out[key].shape == (4, config.latent_dim), key
    assert out["x_hat"].shape == (4, 3, 32, 32)
    # the prompt's prior starts as N(0, I)
    assert torch.equal(out["mu_p"], torch.zeros(4, config.latent_dim))
    assert torch.equal(out["logvar_p"], torch.zeros(4, config.latent_dim))


def test_gaussian_kl_in_nats() -> None:
    zero, one = torch.zeros(3), torch.ones(3)
    assert torch.equal(vae.gaussian_kl(zero, zero, zero, zero), zero)  # a distribution from itself
    torch.testing.assert_close(vae.gaussian_kl(one, zero, zero, zero), torch.full((3,), 0.5))  # mean moved by 1
    # variance e^1 against e^0: (e - 1 - 1) / 2
    torch.testing.assert_close(vae.gaussian_kl(zero, one, zero, zero), torch.full((3,), (np.e - 2) / 2))
    assert (vae.gaussian_kl(zero, zero, one, one) > 0).all()


def test_elbo_terms_are_the_rebuild_error_and_the_kl() -> None:
    config = vae.Config.tiny()
    torch.manual_seed(0)
    model = vae.build(config)
    x = torch.rand(4, 3, 32, 32) * 2 - 1
    tokens = torch.tensor([canvas.encode(PROMPT)] * 4)
    eps = torch.randn(4, config.latent_dim)
    terms = vae.elbo_terms(model, x, tokens, eps)
    out = model(x, tokens, eps)
    squared = ((out["x_hat"] - x) ** 2).flatten(1).sum(1)
    torch.testing.assert_close(terms["recon"], (squared / (2 * config.sigma**2)).mean())
    torch.testing.assert_close(terms["mse"], squared.mean() / (3 * 32 * 32))
    assert terms["kl"] >= 0


def test_the_negative_elbo_falls_on_fresh_pictures(trained, fresh) -> None:
    config = vae.Config.tiny()

    def negative_elbo(model: vae.VAE) -> float:
        eps = torch.randn(len(fresh), config.latent_dim, generator=torch.Generator().manual_seed(5))
        with torch.no_grad():
            terms = vae.elbo_terms(model, fresh.images, fresh.tokens, eps)
        return (terms["recon"] + config.beta * terms["kl"]).item()

    fit.seed_everything(0)
    before = negative_elbo(vae.build(config))  # the trained model's start (seed 0)
    model, history = trained
    after = negative_elbo(model)
    assert after < 0.5 * before, (before, after)
    assert {"loss", "recon", "kl", "mse", "step"} <= set(history)
    assert history["step"] == [10.0, 20.0, 30.0]


def test_reconstruct_encode_decode_and_interpolate(trained) -> None:
    model, _ = trained
    images = canvas.render_prompt(PROMPT, 3)
    rebuilt = vae.reconstruct(model, images, PROMPT)
    assert rebuilt.shape == (3, 32, 32, 3)
    assert rebuilt.dtype == np.uint8
    mu, logvar = vae.encode_images(model, images, [PROMPT] * 3)
    assert mu.shape == logvar.shape == (3, model.config.latent_dim)
    np.testing.assert_array_equal(vae.decode_latents(model, mu, PROMPT), rebuilt)
    z = vae.prior_latents(model, PROMPT, 2, seed=1)
    for spherical in (True, False):
        strip = vae.interpolate(model, PROMPT, z[0], z[1], steps=5, spherical=spherical)
        assert strip.shape == (5, 32, 32, 3)
        ends = vae.decode_latents(model, z, PROMPT).astype(int)
        assert np.abs(strip[[0, -1]].astype(int) - ends).max() <= 1  # the path starts and ends at z_a, z_b
    with pytest.raises(ValueError, match="two ends"):
        vae.interpolate(model, PROMPT, z[0], z[1], steps=1)
    with pytest.raises(ValueError, match="prompts"):
        vae.reconstruct(model, images, [PROMPT] * 2)


def test_prior_latents_scale_with_the_temperature(trained) -> None:
    model, _ = trained
    mu_p, _ = vae.prior_of(model, PROMPT, 4)
    torch.testing.assert_close(vae.prior_latents(model, PROMPT, 4, seed=3, temperature=0.0), mu_p)
    hot, cool = (vae.prior_latents(model, PROMPT, 4, seed=3, temperature=t) for t in (1.0, 0.5))
    torch.testing.assert_close(cool - mu_p, 0.5 * (hot - mu_p))
    np.testing.assert_array_equal(
        vae.sample_images(model, PROMPT, 4, seed=3, temperature=0.0)[0],
        vae.decode_latents(model, mu_p[:1], PROMPT)[0],
    )


def test_network_passes_is_what_the_sampler_runs(trained) -> None:
    model, _ = trained
    prior, decoder = forward_calls(model.prior), forward_calls(model.decoder)
    vae.sample_images(model, PROMPT, 6, seed=0)
    assert prior[0] + decoder[0] == vae.network_passes(model.config) == 2
