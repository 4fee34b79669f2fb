"""The diffusion painter with a tiny config: shapes, learning, sampling, determinism."""

import numpy as np
import pytest
import torch

from painters import diffusion, training, world


@pytest.fixture(scope="module")
def data():
    return world.make_dataset(256, seed=1)


def test_forward_process_ends_in_noise_and_starts_clean():
    cfg = diffusion.Config.tiny()
    assert diffusion.alpha_bar(torch.tensor(0), cfg.timesteps) == pytest.approx(1.0, abs=1e-4)
    assert diffusion.alpha_bar(torch.tensor(cfg.timesteps), cfg.timesteps) < 1e-3
    x0 = torch.zeros(2, 3, 32, 32)
    eps = torch.ones(2, 3, 32, 32)
    xt = diffusion.q_sample(x0, torch.tensor([0, cfg.timesteps]), eps, cfg.timesteps)
    assert xt[0].abs().max() < 1e-2
    assert xt[1].mean() > 0.99


def test_loss_falls_within_a_few_dozen_steps(data):
    generator = training.seed_everything(0)
    model = diffusion.build(diffusion.Config.tiny())
    optimizer = torch.optim.Adam(model.net.parameters(), lr=3e-3)
    batch = next(training.batches(data, 32, generator, torch.device("cpu")))
    losses = []
    for _ in range(40):
        loss = diffusion.loss_on(model, batch.images, batch.tokens, torch.Generator().manual_seed(1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert np.mean(losses[-5:]) < 0.7 * np.mean(losses[:5])


def test_sampling_shapes_and_determinism():
    training.seed_everything(0)
    model = diffusion.build(diffusion.Config.tiny()).eval()
    a = diffusion.sample_images(model, world.SHARED_PROMPT, 3, seed=5, steps=3)
    b = diffusion.sample_images(model, world.SHARED_PROMPT, 3, seed=5, steps=3)
    c = diffusion.sample_images(model, world.SHARED_PROMPT, 3, seed=6, steps=3)
    assert a.shape == (3, 32, 32, 3)
    assert a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_trajectory_has_one_entry_per_step_plus_the_end():
    model = diffusion.build(diffusion.Config.tiny()).eval()
    tokens = torch.tensor([world.encode(world.SHARED_PROMPT)])
    path = diffusion.ddim_trajectory(model, tokens, steps=4, guidance=2.0, generator=torch.Generator().manual_seed(0))
    assert [t for t, _, _ in path] == [1000, 750, 500, 250, 0]


def test_training_is_deterministic(monkeypatch):
    small = world.make_dataset(64, seed=2)
    monkeypatch.setattr(world, "make_dataset", lambda *a, **k: small)
    cfg = diffusion.Config(width=8, text_dim=16, steps=3, batch=4)
    a, _ = diffusion.train(cfg, seed=3, device=torch.device("cpu"), progress=False)
    b, _ = diffusion.train(cfg, seed=3, device=torch.device("cpu"), progress=False)
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(pa, pb), name


def test_bad_prompt_is_refused():
    model = diffusion.build(diffusion.Config.tiny())
    with pytest.raises(world.PromptError, match="unknown word"):
        diffusion.sample_images(model, "a red unicorn on a beach at sunset", 1)
