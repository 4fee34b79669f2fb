"""The diffusion painter with a tiny config: the forward process, v, guidance, DDIM, learning on
fresh pictures, sampling, determinism."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from support import CPU, OTHER, PROMPT, forward_calls, tokens_of

from painters import canvas
from painters.families import diffusion, fit

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def trained(data: canvas.Dataset) -> tuple[diffusion.Painter, dict[str, list[float]]]:
    return diffusion.train(diffusion.Config.tiny(), seed=0, device=CPU, progress=False, data=data)


def test_the_schedule_runs_from_clean_to_noise() -> None:
    steps = diffusion.Config.tiny().timesteps
    ab = diffusion.alpha_bar(torch.arange(steps + 1), steps)
    assert ab[0].item() == pytest.approx(1.0, abs=1e-4)
    assert ab[-1].item() < 1e-3
    assert (ab[1:] <= ab[:-1]).all()  # every step destroys a little more


def test_forward_process_ends_in_noise_and_starts_clean() -> None:
    steps = diffusion.Config.tiny().timesteps
    x0 = torch.zeros(2, 3, 32, 32)
    eps = torch.ones(2, 3, 32, 32)
    xt = diffusion.q_sample(x0, torch.tensor([0, steps]), eps, steps)
    assert xt[0].abs().max() < 1e-2
    assert xt[1].mean() > 0.99


def test_v_gives_back_the_clean_picture_and_the_noise() -> None:
    steps = diffusion.Config.tiny().timesteps
    x0, eps = torch.rand(3, 3, 32, 32) * 2 - 1, torch.randn(3, 3, 32, 32)
    t = torch.tensor([1, 400, 999])
    xt, v = diffusion.q_sample(x0, t, eps, steps), diffusion.v_target(x0, t, eps, steps)
    ab = diffusion.alpha_bar(t, steps).view(-1, 1, 1, 1)
    torch.testing.assert_close(ab.sqrt() * xt - (1 - ab).sqrt() * v, x0, atol=1e-5, rtol=0)
    torch.testing.assert_close((1 - ab).sqrt() * xt + ab.sqrt() * v, eps, atol=1e-5, rtol=0)


def test_guidance_mixes_the_prompted_and_the_prompt_free_prediction() -> None:
    torch.manual_seed(0)
    model = diffusion.build(diffusion.Config.tiny()).eval()
    with torch.no_grad():
        model.ema.null_prompt.normal_()  # "no prompt" must differ from the prompt for the test to see it
        xt, t, tokens = torch.randn(2, 3, 32, 32), torch.tensor([500, 500]), tokens_of(PROMPT, OTHER)
        net = model.ema
        v_prompt = net(xt.contiguous(memory_format=torch.channels_last), net.embed(t, tokens))
        v_free = net(xt.contiguous(memory_format=torch.channels_last), net.embed(t, None))
        assert not torch.allclose(v_prompt, v_free)
        torch.testing.assert_close(diffusion.guided_v(model, xt, t, tokens, 1.0), v_prompt)
        torch.testing.assert_close(diffusion.guided_v(model, xt, t, tokens, 0.0), v_free, atol=1e-5, rtol=1e-4)
        expected = v_free + 3.0 * (v_prompt - v_free)
        torch.testing.assert_close(diffusion.guided_v(model, xt, t, tokens, 3.0), expected, atol=1e-4, rtol=1e-4)


def test_the_denoising_loss_falls_on_fresh_pictures(trained, fresh) -> None:
    def loss(model: diffusion.Painter) -> float:
        generator = torch.Generator().manual_seed(7)  # fresh noise and steps, the same for both models
        with torch.no_grad():
            return float(np.mean([diffusion.denoising_loss(model, fresh.images, fresh.tokens, generator).item()
                                  for _ in range(4)]))  # fmt: skip

    fit.seed_everything(0)
    before = loss(diffusion.build(diffusion.Config.tiny()))  # the trained model's start (seed 0)
    model, history = trained
    after = loss(model)
    assert after < 0.93 * before, (before, after)
    assert history["step"] == [10.0, 20.0, 30.0]


def test_the_trajectory_has_one_entry_per_step_plus_the_end() -> None:
    model = diffusion.build(diffusion.Config.tiny()).eval()
    path = diffusion.ddim_trajectory(
        model, tokens_of(PROMPT), steps=4, guidance=2.0, generator=torch.Generator().manual_seed(0)
    )
    assert [t for t, _, _ in path] == [1000, 750, 500, 250, 0]
    for _, xt, x0 in path:
        assert xt.shape == x0.shape == (1, 3, 32, 32)
        assert x0.abs().max() <= 1.0  # the predicted clean picture is clipped to the pixel range


def test_network_passes_is_what_the_sampler_runs(trained) -> None:
    model, _ = trained
    count = forward_calls(model.ema)
    diffusion.sample_images(model, PROMPT, 5, seed=0)  # guided: both halves in one call per step
    assert count[0] == diffusion.network_passes(model.config) == model.config.sample_steps
