"""The one fit loop (fit.py) and training a checkpoint from scratch (training.py)."""

import dataclasses
import random

import numpy as np
import pytest
import torch
from torch import nn

from painters import canvas
from painters.checkpoints import loading, store
from painters.core import machine, paths
from painters.families import fit
from painters.families import judge as judge_model
from painters.measure import judge
from painters.training import run as training

CPU = torch.device("cpu")

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def data() -> canvas.Dataset:
    return canvas.make_dataset(48, seed=1)


# --- examples and batches ---------------------------------------------------------------------


def test_pictures_hand_out_batches_in_the_networks_form(data):
    pictures = fit.Pictures(data, CPU)
    assert len(pictures) == 48
    index = torch.tensor([5, 0, 5])
    batch = pictures.take(index)
    assert len(batch) == 3
    assert batch.images.shape == (3, 3, 32, 32)
    assert batch.images.dtype == torch.float32
    assert batch.images.is_contiguous(memory_format=torch.channels_last)
    assert batch.images.min() >= -1.0
    assert batch.images.max() <= 1.0
    expected = torch.from_numpy(data.images[[5, 0, 5]]).permute(0, 3, 1, 2).float() / 127.5 - 1
    torch.testing.assert_close(batch.images, expected)
    assert torch.equal(batch.tokens, torch.from_numpy(data.tokens[[5, 0, 5]]))
    assert torch.equal(batch.labels, torch.from_numpy(data.labels[[5, 0, 5]]))
    assert torch.equal(batch.layouts, torch.from_numpy(data.layouts[[5, 0, 5]]))
    assert pictures.images.dtype == torch.uint8  # kept as pixels on the device, scaled per batch


def test_codes_must_be_int64_grids_beside_their_captions():
    tokens = torch.zeros((4, canvas.MAX_WORDS), dtype=torch.long)
    codes = fit.Codes(torch.arange(4 * 64).view(4, 64), tokens)
    batch = codes.take(torch.tensor([3, 1]))
    assert torch.equal(batch.codes[:, 0], torch.tensor([192, 64]))
    assert len(batch) == 2
    with pytest.raises(ValueError, match="int64"):
        fit.Codes(torch.zeros((4, 64), dtype=torch.int32), tokens)
    with pytest.raises(ValueError, match="beside N captions"):
        fit.Codes(torch.zeros((3, 64), dtype=torch.long), tokens)
    with pytest.raises(ValueError, match=r"\(N, length\)"):
        fit.Codes(torch.zeros((4, 8, 8), dtype=torch.long), tokens)


def test_batches_are_drawn_from_the_generator_alone(data):
    pictures = fit.Pictures(data, CPU)

    def draws(seed: int) -> list[torch.Tensor]:
        source = fit.batches(pictures, 16, torch.Generator().manual_seed(seed))
        return [next(source).tokens for _ in range(3)]

    a, b, c = draws(0), draws(0), draws(1)
    torch.manual_seed(123)  # the global seed plays no part
    assert all(torch.equal(x, y) for x, y in zip(a, draws(0), strict=True))
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(torch.equal(x, y) for x, y in zip(a, c, strict=True))
    assert [len(x) for x in a] == [16, 16, 16]


# --- the loop ---------------------------------------------------------------------------------


def test_fit_averages_each_loss_over_every_log_window(data, capsys):
    seen = []

    def step(i: int, batch: fit.Batch) -> dict[str, float]:
        seen.append((i, len(batch)))
        return {"loss": float(i), "double": 2.0 * i}

    history = fit.fit(step, fit.Pictures(data, CPU), steps=25, batch_size=4, generator=torch.Generator(),
                      desc="test", progress=False, log_every=10)  # fmt: skip
    assert seen == [(i, 4) for i in range(25)]
    assert history["loss"] == [4.5, 14.5, 22.0]  # the last window holds the 5 steps left
    assert history["double"] == [9.0, 29.0, 44.0]
    assert history["step"] == [10.0, 20.0, 25.0]
    assert capsys.readouterr().err == ""  # no progress bar when asked for none


def test_seed_everything_seeds_python_numpy_and_torch():
    def draws(seed: int) -> tuple:
        generator = fit.seed_everything(seed)
        return random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=generator).item()

    assert draws(3) == draws(3)
    assert all(x != y for x, y in zip(draws(3), draws(4), strict=True))


def test_asking_for_a_missing_or_unknown_device_is_an_error():
    assert machine.resolve_device("cpu") == CPU
    with pytest.raises(ValueError, match="use 'cpu' or 'cuda'"):
        machine.resolve_device("tpu")
    if torch.cuda.is_available():
        assert machine.resolve_device("cuda").type == "cuda"
    else:
        with pytest.raises(ValueError, match="no CUDA GPU"):
            machine.resolve_device("cuda")


def test_ema_update_moves_the_average_with_a_short_decay_at_first():
    model, average = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    with torch.no_grad():
        model.weight.fill_(1.0)
        average.weight.fill_(0.0)
        model.running_mean.fill_(5.0)
    fit.ema_update(average, model, decay=0.999, step=0)  # decay min(0.999, 1/10) = 0.1
    torch.testing.assert_close(average.weight, torch.full((3,), 0.9))
    assert torch.equal(average.running_mean, torch.full((3,), 5.0))  # buffers are copied as they are
    fit.ema_update(average, model, decay=0.5, step=1000)  # late: the decay asked for
    torch.testing.assert_close(average.weight, torch.full((3,), 0.95))


def test_the_shared_training_set_is_kept_in_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "CACHE_DIR", tmp_path)
    data = fit.training_set(n=40, seed=2)
    assert len(list(tmp_path.glob("world-*.npz"))) == 1
    trained = {s.labels for s in canvas.TRAIN_SCENES}
    assert {tuple(row) for row in data.labels.tolist()} <= trained
    np.testing.assert_array_equal(fit.training_set(n=40, seed=2).images, data.images)


def test_use_threads_reads_the_environment_and_refuses_nonsense(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("PAINTERS_THREADS", raising=False)
        assert machine.use_threads() == 1
        assert torch.get_num_threads() == 1
        monkeypatch.setenv("PAINTERS_THREADS", "2")
        assert machine.use_threads() == 2
        assert torch.get_num_threads() == 2
        assert machine.use_threads(1) == 1
        for text in ("0", "two", "-1", ""):
            monkeypatch.setenv("PAINTERS_THREADS", text)
            with pytest.raises(ValueError, match="PAINTERS_THREADS"):
                machine.use_threads()
        with pytest.raises(ValueError, match="at least 1"):
            machine.use_threads(0)
    finally:
        torch.set_num_threads(before)


# --- training and saving a checkpoint ---------------------------------------------------------


TINY_JUDGE = dataclasses.asdict(judge_model.Config.tiny())


@pytest.fixture
def no_evaluation(monkeypatch):
    """The judge's evaluation (a few seconds of renders) replaced by a marker."""
    monkeypatch.setattr(judge, "evaluate", lambda model: {"accuracy": {"object": 0.5}, "evaluated": True})


def test_train_and_save_writes_a_checkpoint_the_registry_loads(home, tmp_path, no_evaluation):
    manifest = training.train_and_save("judge", name="judge-a", overrides=TINY_JUDGE, directory=home, progress=False)
    assert manifest.name == "judge-a"
    assert manifest.family == "judge"
    assert manifest.config == TINY_JUDGE
    assert set(manifest.fingerprint) == {"colour", "layout", "layout_units", "object", "place", "scene", "time"}
    assert manifest.steps == TINY_JUDGE["steps"]
    assert manifest.metrics == {"accuracy": {"object": 0.5}, "evaluated": True}  # the judge's own evaluate
    assert manifest.threads == torch.get_num_threads()
    assert manifest.device == "cpu"
    assert store.read_manifest("judge-a", home) == manifest
    model, loaded = loading.load_model("judge-a", home)
    assert isinstance(model, judge_model.Judge)
    assert not model.training
    assert loaded == manifest
    history = store.load_history("judge-a", home)
    assert len(history["loss"]) == len(history["step"]) == 2  # 20 steps, logged every 10


def test_the_same_seed_gives_the_same_checkpoint_and_another_seed_another(home, no_evaluation):
    for name, seed in (("judge-a", 0), ("judge-b", 0), ("judge-c", 1)):
        training.train_and_save("judge", name=name, seed=seed, overrides=TINY_JUDGE, directory=home, progress=False)
    a, b, c = (store.load_checkpoint(n, home, fix=str)[0]
               for n in ("judge-a", "judge-b", "judge-c"))  # fmt: skip
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key
    assert any(not torch.equal(a[key], c[key]) for key in a)


@pytest.mark.parametrize(
    ("family", "kwargs", "message"),
    [
        ("transformer", {}, "unknown family 'transformer'; choose one of: gan, vae, diffusion, autoregressive"),
        ("judge", {"name": "../judge"}, "checkpoint name"),
        ("judge", {"name": "vae-judge"}, "must start with its family"),
        ("judge", {"overrides": {"depth": 3}}, "judge has no setting depth"),
        ("judge", {"overrides": {"steps": "many"}}, "judge setting steps='many': expected a whole number"),
        ("judge", {"overrides": {"steps": 2.5}}, "expected a whole number"),
        ("judge", {"device": "tpu"}, "use 'cpu' or 'cuda'"),
    ],
)
def test_what_can_be_refused_is_refused_before_any_work(home, monkeypatch, family, kwargs, message):
    def no_training(*args, **kwargs):
        raise AssertionError("training started before the request was checked")

    monkeypatch.setattr(judge_model, "train", no_training)
    with pytest.raises(ValueError, match=message):
        training.train_and_save(family, directory=home, progress=False, **kwargs)
    assert list(home.iterdir()) == []


def test_a_missing_gpu_is_refused_before_any_work(home, monkeypatch):
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    monkeypatch.setattr(judge_model, "train", lambda *a, **k: pytest.fail("trained without the GPU asked for"))
    with pytest.raises(ValueError, match="no CUDA GPU"):
        training.train_and_save("judge", device="cuda", directory=home, progress=False)
