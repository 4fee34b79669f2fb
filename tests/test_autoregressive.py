"""The autoregressive painter with a tiny config: tokenizer, transformer, cache, echo, learning on
fresh pictures, sampling, determinism."""

from __future__ import annotations

import math

import pytest
import torch
from support import CPU, OTHER, PROMPT, forward_calls, tokens_of

from painters import canvas
from painters.families import autoregressive, fit, tokenizer

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def trained(data: canvas.Dataset) -> tuple[autoregressive.Painter, dict[str, list[float]]]:
    return autoregressive.train(autoregressive.Config.tiny(), seed=0, device=CPU, progress=False, data=data)


def test_config_is_checked_before_any_work() -> None:
    with pytest.raises(ValueError, match="codebook=1"):
        autoregressive.Config(codebook=1)
    with pytest.raises(ValueError, match=f"codebook={autoregressive.MAX_CODEBOOK + 1}"):
        autoregressive.Config(codebook=autoregressive.MAX_CODEBOOK + 1)
    with pytest.raises(ValueError, match="does not split into heads=3"):
        autoregressive.Config(dim=32, heads=3)


def test_tokenizer_round_trip_shapes(trained) -> None:
    model, _ = trained
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    ids, h = model.tokenizer.encode(x)
    assert ids.shape == (2, autoregressive.LENGTH)
    assert ids.dtype == torch.int64
    assert 0 <= ids.min() <= ids.max() < model.config.codebook
    assert h.shape == (2, model.config.code_dim, autoregressive.GRID, autoregressive.GRID)
    assert model.tokenizer.decode(ids).shape == (2, 3, 32, 32)
    # each token is the nearest code to its patch's encoding
    flat = h.permute(0, 2, 3, 1).reshape(-1, h.shape[1])
    nearest = torch.cdist(flat, model.tokenizer.codebook.weight).argmin(1)
    assert torch.equal(nearest.view(2, autoregressive.LENGTH), ids)


def test_the_tokenizers_rebuild_error_falls_on_fresh_pictures(data, fresh) -> None:
    generator = fit.seed_everything(0)
    c = autoregressive.Config.tiny()
    vq = tokenizer.Tokenizer(c.codebook, c.code_dim, c.vq_width)
    with torch.no_grad():
        before = tokenizer.vq_loss(vq, fresh.images)[1].item()
    optimizer = torch.optim.Adam(vq.parameters(), lr=1e-2)
    batches = fit.batches(fit.Pictures(data, CPU), 16, generator)
    for _ in range(40):  # a fresh batch every step
        loss, _, _ = tokenizer.vq_loss(vq, next(batches).images, 1.0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        after = tokenizer.vq_loss(vq, fresh.images)[1].item()
    assert after < 0.8 * before, (before, after)


def test_the_next_token_loss_falls_on_fresh_pictures(trained, fresh) -> None:
    model, history = trained
    config = model.config
    with torch.no_grad():
        codes = model.tokenizer.encode(fresh.images)[0]  # fresh pictures, in the trained tokenizer's codes
    fit.seed_everything(0)
    untrained = autoregressive.build(config)  # the transformer's start, with the trained tokenizer
    untrained.tokenizer.load_state_dict(model.tokenizer.state_dict())

    def loss(m: autoregressive.Painter) -> float:
        with torch.no_grad():
            return autoregressive.next_token_loss(m, codes, fresh.tokens, torch.Generator().manual_seed(2)).item()

    before, after = loss(untrained), loss(model)
    assert before > 0.9 * math.log(config.codebook)  # a guess among K codes
    assert after < 0.6 * before, (before, after)
    assert {"vq_recon", "vq_step", "loss", "step"} <= set(history)
    assert history["vq_step"] == [10.0, 20.0]
    assert history["step"] == [10.0, 20.0, 30.0]


def test_encode_dataset_gives_every_picture_its_token_grid(trained, data) -> None:
    model, _ = trained
    pictures = fit.Pictures(data, CPU)
    codes = tokenizer.encode_dataset(model.tokenizer, pictures, batch=100)
    assert codes.shape == (len(data), autoregressive.LENGTH)
    with torch.no_grad():
        direct = model.tokenizer.encode(pictures.take(torch.arange(150, 160)).images)[0]
    assert torch.equal(codes[150:160], direct)


def test_kv_cache_gives_exactly_the_same_tokens(trained) -> None:
    model, _ = trained
    tokens = tokens_of(PROMPT, OTHER, PROMPT)
    a = autoregressive.sample_tokens(model, tokens, torch.Generator().manual_seed(1), use_cache=True)
    b = autoregressive.sample_tokens(model, tokens, torch.Generator().manual_seed(1), use_cache=False)
    assert a.shape == (3, autoregressive.LENGTH)
    assert torch.equal(a, b)


def test_forcing_a_token_keeps_it_and_the_prefix(trained) -> None:
    model, _ = trained
    tokens = tokens_of(PROMPT, PROMPT)
    free = autoregressive.sample_tokens(model, tokens, torch.Generator().manual_seed(2))
    forced = autoregressive.sample_tokens(model, tokens, torch.Generator().manual_seed(2), forced={10: 3})
    assert torch.equal(forced[:, :10], free[:, :10])
    assert (forced[:, 10] == 3).all()


def test_temperature_near_zero_always_picks_the_likeliest_token(trained) -> None:
    model, _ = trained
    tokens = tokens_of(PROMPT)
    a = autoregressive.sample_tokens(model, tokens, torch.Generator().manual_seed(1), temperature=1e-6, length=6)
    b = autoregressive.sample_tokens(model, tokens, torch.Generator().manual_seed(2), temperature=1e-6, length=6)
    assert torch.equal(a, b)  # no randomness left
    with torch.no_grad():
        start = torch.cat([model.prompt_vector(tokens, 1), model.prompt_vector(None, 1)])
        cond, free = model.logits(start, torch.zeros((2, 0), dtype=torch.long))[:, -1].chunk(2)
        g = model.config.guidance
    assert a[0, 0] == (free + g * (cond - free)).argmax()


def test_a_partial_token_grid_decodes_with_the_rest_grey(trained) -> None:
    model, _ = trained
    part = autoregressive.decode_tokens(model, torch.zeros((1, 8), dtype=torch.long))
    assert part.shape == (1, 32, 32, 3)
    assert (part[0, 4:] == 128).all()  # rows of tokens not yet written stay mid-grey
    assert not (part[0, :4] == 128).all()


def test_network_passes_is_what_the_sampler_runs(trained) -> None:
    model, _ = trained
    prompt, transformer = forward_calls(model.text), forward_calls(model.blocks[0])
    decoder = forward_calls(model.tokenizer.decoder)
    autoregressive.sample_images(model, PROMPT, 3, seed=0)
    assert prompt[0] + transformer[0] + decoder[0] == autoregressive.network_passes(model.config)
    assert (prompt[0], transformer[0], decoder[0]) == (1, autoregressive.LENGTH, 1)
