"""The autoregressive painter with a tiny config: tokenizer, transformer, cache, echo, learning on
fresh pictures, sampling, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from support import CPU, OTHER, PROMPT, forward_calls, tokens_of

from painters import autoregressive as ar
from painters import fit, world

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def trained(data: world.Dataset) -> tuple[ar.Painter, dict[str, list[float]]]:
    return ar.train(ar.Config.tiny(), seed=0, device=CPU, progress=False, data=data)


def test_config_is_checked_before_any_work() -> None:
    with pytest.raises(ValueError, match="codebook=1"):
        ar.Config(codebook=1)
    with pytest.raises(ValueError, match=f"codebook={ar.MAX_CODEBOOK + 1}"):
        ar.Config(codebook=ar.MAX_CODEBOOK + 1)
    with pytest.raises(ValueError, match="does not split into heads=3"):
        ar.Config(dim=32, heads=3)


def test_tokenizer_round_trip_shapes(trained) -> None:
    model, _ = trained
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    ids, h = model.tokenizer.encode(x)
    assert ids.shape == (2, ar.LENGTH)
    assert ids.dtype == torch.int64
    assert 0 <= ids.min() <= ids.max() < model.config.codebook
    assert h.shape == (2, model.config.code_dim, ar.GRID, ar.GRID)
    assert model.tokenizer.decode(ids).shape == (2, 3, 32, 32)
    # each token is the nearest code to its patch's encoding
    flat = h.permute(0, 2, 3, 1).reshape(-1, h.shape[1])
    nearest = torch.cdist(flat, model.tokenizer.codebook.weight).argmin(1)
    assert torch.equal(nearest.view(2, ar.LENGTH), ids)


def test_the_tokenizers_rebuild_error_falls_on_fresh_pictures(data, fresh) -> None:
    generator = fit.seed_everything(0)
    tokenizer = ar.Tokenizer(ar.Config.tiny())
    with torch.no_grad():
        before = ar.vq_loss(tokenizer, fresh.images)[1].item()
    optimizer = torch.optim.Adam(tokenizer.parameters(), lr=1e-2)
    batches = fit.batches(fit.Pictures(data, CPU), 16, generator)
    for _ in range(40):  # a fresh batch every step
        loss, _, _ = ar.vq_loss(tokenizer, next(batches).images, 1.0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        after = ar.vq_loss(tokenizer, fresh.images)[1].item()
    assert after < 0.8 * before, (before, after)


def test_the_next_token_loss_falls_on_fresh_pictures(trained, fresh) -> None:
    model, history = trained
    config = model.config
    with torch.no_grad():
        codes = model.tokenizer.encode(fresh.images)[0]  # fresh pictures, in the trained tokenizer's codes
    fit.seed_everything(0)
    untrained = ar.build(config)  # the transformer's start, with the trained tokenizer
    untrained.tokenizer.load_state_dict(model.tokenizer.state_dict())

    def loss(m: ar.Painter) -> float:
        with torch.no_grad():
            return ar.next_token_loss(m, codes, fresh.tokens, torch.Generator().manual_seed(2)).item()

    before, after = loss(untrained), loss(model)
    assert before > 0.9 * math.log(config.codebook)  # a guess among K codes
    assert after < 0.6 * before, (before, after)
    assert {"vq_recon", "vq_step", "loss", "step"} <= set(history)
    assert history["vq_step"] == [10.0, 20.0]
    assert history["step"] == [10.0, 20.0, 30.0]


def test_encode_dataset_gives_every_picture_its_token_grid(trained, data) -> None:
    model, _ = trained
    pictures = fit.Pictures(data, CPU)
    codes = ar.encode_dataset(model.tokenizer, pictures, batch=100)
    assert codes.shape == (len(data), ar.LENGTH)
    with torch.no_grad():
        direct = model.tokenizer.encode(pictures.take(torch.arange(150, 160)).images)[0]
    assert torch.equal(codes[150:160], direct)


def test_kv_cache_gives_exactly_the_same_tokens(trained) -> None:
    model, _ = trained
    tokens = tokens_of(PROMPT, OTHER, PROMPT)
    a = ar.sample_tokens(model, tokens, torch.Generator().manual_seed(1), use_cache=True)
    b = ar.sample_tokens(model, tokens, torch.Generator().manual_seed(1), use_cache=False)
    assert a.shape == (3, ar.LENGTH)
    assert torch.equal(a, b)


def test_forcing_a_token_keeps_it_and_the_prefix(trained) -> None:
    model, _ = trained
    tokens = tokens_of(PROMPT, PROMPT)
    free = ar.sample_tokens(model, tokens, torch.Generator().manual_seed(2))
    forced = ar.sample_tokens(model, tokens, torch.Generator().manual_seed(2), forced={10: 3})
    assert torch.equal(forced[:, :10], free[:, :10])
    assert (forced[:, 10] == 3).all()


def test_temperature_near_zero_always_picks_the_likeliest_token(trained) -> None:
    model, _ = trained
    tokens = tokens_of(PROMPT)
    a = ar.sample_tokens(model, tokens, torch.Generator().manual_seed(1), temperature=1e-6, length=6)
    b = ar.sample_tokens(model, tokens, torch.Generator().manual_seed(2), temperature=1e-6, length=6)
    assert torch.equal(a, b)  # no randomness left
    with torch.no_grad():
        start = torch.cat([model.prompt_vector(tokens, 1), model.prompt_vector(None, 1)])
        cond, free = model.logits(start, torch.zeros((2, 0), dtype=torch.long))[:, -1].chunk(2)
        g = model.config.guidance
    assert a[0, 0] == (free + g * (cond - free)).argmax()


def test_sampling_shapes_determinism_and_partial_decode(trained) -> None:
    model, _ = trained
    a = ar.sample_images(model, PROMPT, 2, seed=4)
    b = ar.sample_images(model, PROMPT, 2, seed=4)
    c = ar.sample_images(model, PROMPT, 2, seed=5)
    assert a.shape == (2, 32, 32, 3)
    assert a.dtype == np.uint8
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    part = ar.decode_tokens(model, torch.zeros((1, 8), dtype=torch.long))
    assert part.shape == (1, 32, 32, 3)
    assert (part[0, 4:] == 128).all()  # rows of tokens not yet written stay mid-grey
    assert not (part[0, :4] == 128).all()


def test_one_prompt_per_picture(trained) -> None:
    model, _ = trained
    mixed = ar.sample_images(model, [PROMPT, OTHER, PROMPT, OTHER], 4, seed=2)
    first, second = ar.sample_images(model, PROMPT, 4, seed=2), ar.sample_images(model, OTHER, 4, seed=2)
    np.testing.assert_array_equal(mixed[[0, 2]], first[[0, 2]])
    np.testing.assert_array_equal(mixed[[1, 3]], second[[1, 3]])
    with pytest.raises(ValueError, match="3 prompts for 4 pictures"):
        ar.sample_images(model, [PROMPT] * 3, 4)


def test_network_passes_is_what_the_sampler_runs(trained) -> None:
    model, _ = trained
    transformer, decoder = forward_calls(model.blocks[0]), forward_calls(model.tokenizer.decoder)
    ar.sample_images(model, PROMPT, 3, seed=0)
    assert transformer[0] + decoder[0] == ar.network_passes(model.config)
    assert (transformer[0], decoder[0]) == (ar.LENGTH, 1)


def test_same_seed_gives_identical_weights_and_another_seed_others(data: world.Dataset, trained) -> None:
    config = ar.Config.tiny()
    again, history = ar.train(config, seed=0, device=CPU, progress=False, data=data)
    first, first_history = trained
    assert history == first_history
    assert first.state_dict().keys() == again.state_dict().keys()
    for name, p in first.state_dict().items():
        assert torch.equal(p, again.state_dict()[name]), name
    config.vq_steps, config.steps = 1, 1
    one, other = (ar.train(config, seed=s, device=CPU, progress=False, data=data)[0] for s in (0, 1))
    assert not torch.equal(one.head.weight, other.head.weight)
    assert not torch.equal(one.tokenizer.codebook.weight, other.tokenizer.codebook.weight)


def test_a_bad_prompt_or_count_is_refused_before_any_network_runs(trained) -> None:
    model, _ = trained
    count = forward_calls(model.blocks[0])
    with pytest.raises(world.PromptError):
        ar.sample_images(model, "a red bicycle", 1)
    with pytest.raises(ValueError, match="between 1 and"):
        ar.sample_images(model, PROMPT, -3)
    assert count == [0]
