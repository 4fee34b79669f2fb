"""The pages' gallery: pictures from checkpoints, cached and checked; measurement once per build;
the one way every time on the site is taken."""

from __future__ import annotations

import dataclasses
import functools
import logging
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from painters import canvas
from painters.checkpoints import loading, store
from painters.core import paths
from painters.families import fit, vae
from painters.measure import gallery, judge, metrics, timing
from painters.training import run as training

PROMPT = canvas.SHARED_PROMPT
OTHER = "a blue boat in the snow at night"

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def small_set() -> canvas.Dataset:
    return canvas.make_dataset(64, 0)


@pytest.fixture
def fresh_caches(monkeypatch):
    """The gallery's once-per-build results, kept for this test only."""
    for name in ("_measure", "_real_vs_real", "_reference"):
        monkeypatch.setattr(gallery, name, functools.lru_cache(maxsize=None)(getattr(gallery, name).__wrapped__))


@pytest.fixture
def tiny_vae(home, monkeypatch, small_set) -> str:
    """A tiny VAE checkpoint in this test's own checkpoints folder, as if it were committed."""
    monkeypatch.setattr(fit, "training_set", lambda *a, **k: small_set)
    with monkeypatch.context() as m:
        m.setattr(training, "measure_model", lambda family, model: {})
        tiny = dataclasses.asdict(vae.Config.tiny())
        training.train_and_save("vae", overrides=tiny, directory=home, progress=False)
        training.train_and_save("vae", name="vae-other", seed=1, overrides=tiny, directory=home, progress=False)
    return "vae"


def samples_kept() -> list[str]:
    folder = paths.CACHE_DIR / "samples"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- paint --------------------------------------------------------------------------------------


def test_paint_gives_what_the_family_samples_from_each_checkpoint(tiny_vae):
    model, _ = loading.load_model("vae")
    for prompt in (PROMPT, [PROMPT, OTHER, OTHER]):
        expected = vae.sample_images(model, prompt, 3, seed=4)
        np.testing.assert_array_equal(gallery.paint("vae", prompt, 3, seed=4), expected)
    hot = gallery.paint("vae", PROMPT, 3, seed=4, temperature=2.0)  # options reach the sampler
    np.testing.assert_array_equal(hot, vae.sample_images(model, PROMPT, 3, seed=4, temperature=2.0))
    assert not np.array_equal(hot, gallery.paint("vae", PROMPT, 3, seed=4))
    # another checkpoint of the family, by its name
    model, _ = loading.load_model("vae-other")
    np.testing.assert_array_equal(gallery.paint("vae-other", PROMPT, 2, seed=1), vae.sample_images(model, PROMPT, 2, 1))
    assert not np.array_equal(gallery.paint("vae-other", PROMPT, 2, seed=1), gallery.paint("vae", PROMPT, 2, seed=1))


def test_pictures_are_kept_and_not_painted_again(fake_family, monkeypatch):
    monkeypatch.setattr(training, "measure_model", lambda family, model: {})
    training.train_and_save("fake", overrides={"steps": 2}, progress=False)
    fake_family.CALLS.clear()
    first = gallery.paint("fake", PROMPT, 4, seed=2)
    assert len(fake_family.CALLS) == 1
    assert len(samples_kept()) == 1
    np.testing.assert_array_equal(gallery.paint("fake", PROMPT, 4, seed=2), first)
    assert len(fake_family.CALLS) == 1  # read back, not painted again
    # everything that decides the pictures makes another entry
    gallery.paint("fake", PROMPT, 4, seed=3)
    gallery.paint("fake", PROMPT, 5, seed=2)
    gallery.paint("fake", OTHER, 4, seed=2)
    gallery.paint("fake", [PROMPT] * 4, 4, seed=2)
    gallery.paint("fake", PROMPT, 4, seed=2, brightness=0.5)
    assert len(fake_family.CALLS) == 6
    assert len(samples_kept()) == 6
    training.train_and_save("fake", seed=1, overrides={"steps": 2}, progress=False)  # new weights
    retrained = gallery.paint("fake", PROMPT, 4, seed=2)
    assert len(fake_family.CALLS) == 7
    assert not np.array_equal(retrained, first)


def test_a_damaged_kept_picture_file_is_painted_again(fake_family, monkeypatch, caplog):
    monkeypatch.setattr(training, "measure_model", lambda family, model: {})
    training.train_and_save("fake", overrides={"steps": 2}, progress=False)
    first = gallery.paint("fake", PROMPT, 4, seed=2)
    (name,) = samples_kept()
    path = paths.CACHE_DIR / "samples" / name
    path.write_bytes(b"\0" * path.stat().st_size)
    fake_family.CALLS.clear()
    with caplog.at_level(logging.WARNING, logger="painters.cache"):
        np.testing.assert_array_equal(gallery.paint("fake", PROMPT, 4, seed=2), first)
    assert len(fake_family.CALLS) == 1
    assert str(path) in caplog.text


@pytest.mark.parametrize(
    ("family", "prompt", "n", "error", "message"),
    [
        ("unicorn", PROMPT, 2, ValueError, "unknown family 'unicorn'"),
        ("judge", PROMPT, 2, ValueError, "'judge' does not paint"),
        ("fake", "a red bicycle on the moon at sunset", 2, canvas.PromptError, "moon"),
        ("fake", [PROMPT, "a red bike"], 2, canvas.PromptError, "names no"),
        ("fake", PROMPT, 0, ValueError, "between 1 and"),
        ("fake", PROMPT, canvas.MAX_SAMPLES + 1, ValueError, "between 1 and"),
    ],
)
def test_a_bad_request_is_refused_before_anything_is_loaded_painted_or_kept(
    fake_family, monkeypatch, family, prompt, n, error, message
):
    loads = []
    monkeypatch.setattr(loading, "load_model", lambda *a, **k: loads.append(a))
    fake_family.CALLS.clear()
    with pytest.raises(error, match=message):
        gallery.paint(family, prompt, n)
    assert loads == []
    assert fake_family.CALLS == []
    assert samples_kept() == []


def test_a_missing_checkpoint_names_the_command_that_makes_it(fake_family):
    with pytest.raises(store.CheckpointError, match="python -m painters train fake"):
        gallery.paint("fake", PROMPT, 2)
    assert samples_kept() == []


# --- measurement once per build -------------------------------------------------------------------


def test_measure_family_measures_a_painter_once_per_build(fake_family, small_protocol, fresh_caches, monkeypatch):
    monkeypatch.setattr(training, "measure_model", lambda family, model: {})
    training.train_and_save("fake", overrides={"steps": 2}, progress=False)
    fake_family.CALLS.clear()
    store.take_used()
    report = gallery.measure_family("fake")
    assert report.family == "fake"
    assert report.passes == 7  # registry.network_passes: the family's own answer
    assert (report.trained.scenes, report.trained.pictures) == (2, 8)
    assert (report.held_out.scenes, report.held_out.pictures) == (1, 4)
    painted = len(fake_family.CALLS)
    assert painted == 2
    assert "fake" in store.take_used()
    assert gallery.measure_family("fake") is report  # shared by every page
    assert len(fake_family.CALLS) == painted
    assert store.take_used() == ["fake"]  # still noted as used by the page that asked again
    # the same numbers as measuring the painter directly
    model, _ = loading.load_model("fake")
    direct = metrics.measure(lambda prompts, seed: fake_family.sample_images(model, prompts, len(prompts), seed))
    assert direct["trained"] == report.trained
    assert direct["held_out"] == report.held_out


def test_a_measurement_is_kept_for_the_next_build_and_a_damaged_copy_measured_again(
    fake_family, small_protocol, fresh_caches, monkeypatch, caplog
):
    monkeypatch.setattr(training, "measure_model", lambda family, model: {})
    training.train_and_save("fake", overrides={"steps": 2}, progress=False)
    report = gallery.measure_family("fake")
    (kept,) = (paths.CACHE_DIR / "measurements").glob("fake-*.npz")

    def next_build() -> gallery.FamilyReport:
        monkeypatch.setattr(gallery, "_measure", functools.cache(gallery._measure.__wrapped__))
        return gallery.measure_family("fake")

    def no_judging(*args, **kwargs):
        raise AssertionError("judged again although the kept measurement is good")

    with monkeypatch.context() as m:
        m.setattr(judge, "read", no_judging)
        assert next_build() == report  # read back: nothing painted or judged
    kept.write_bytes(b"\0" * kept.stat().st_size)
    with caplog.at_level(logging.WARNING, logger="painters.cache"):
        assert next_build() == report  # measured again, the same numbers
    assert str(kept) in caplog.text
    # another judge reads the pictures: another entry, never the old one's numbers
    with torch.no_grad():
        next(small_protocol.parameters()).add_(1.0)
    next_build()
    assert len(list((paths.CACHE_DIR / "measurements").glob("fake-*.npz"))) == 2


def test_a_comparison_is_kept_and_read_back_equal_and_other_pictures_are_judged_afresh(
    small_protocol, fresh_caches, monkeypatch
):
    scenes = canvas.TRAIN_SCENES[:4]
    reals = gallery.reference(scenes, 4)
    fakes = gallery.reference(scenes, 4, seed=metrics.SECOND_REFERENCE_SEED)
    first = gallery.compare(fakes, reals, scenes)
    assert first == metrics.compare(fakes, reals, scenes)  # the same numbers as judging directly

    def no_judging(*args, **kwargs):
        raise AssertionError("judged again although the kept comparison is good")

    with monkeypatch.context() as m:
        m.setattr(judge, "read", no_judging)
        assert gallery.compare(fakes, reals, scenes) == first  # read back: nothing judged
        changed = fakes.copy()
        changed[0, 0, 0, 0] ^= 1  # one value of one pixel: other pictures, judged afresh
        with pytest.raises(AssertionError, match="judged again"):
            gallery.compare(changed, reals, scenes)
    assert gallery.compare(changed, reals, scenes) == metrics.compare(changed, reals, scenes)
    assert len(list((paths.CACHE_DIR / "measurements").glob("compare-*.npz"))) == 2


def test_real_vs_real_is_the_metrics_ceiling_once_per_build(small_protocol, fresh_caches):
    first = gallery.real_vs_real()
    assert first == metrics.real_vs_real()
    assert gallery.real_vs_real() is first
    assert first["trained"].pixel_diversity_ratio != 1.0  # two different sets of renders
    assert first["trained"].pictures == 8


def test_the_shared_reference_is_a_copy_no_page_can_change(fresh_caches):
    scenes = canvas.HELD_OUT[:2]
    shared = gallery.reference(scenes, 3)
    np.testing.assert_array_equal(shared, metrics.reference(scenes, 3))
    shared[:] = 0  # a page that scribbles on its copy
    assert gallery.reference(scenes, 3).any()  # does not change the next page's
    np.testing.assert_array_equal(gallery.reference(scenes, 3, seed=5), metrics.reference(scenes, 3, seed=5))


# --- timing -------------------------------------------------------------------------------------


class Clock:
    """A perf_counter that each timed thing moves on by a scripted number of seconds."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now


def test_timings_interleave_the_things_and_keep_each_ones_minimum(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timing, "time", SimpleNamespace(perf_counter=clock.perf_counter))
    order: list[str] = []
    threads: list[int] = []
    costs = {"a": iter([9.0, 3.0, 1.0, 2.0, 5.0]), "b": iter([9.0, 4.0, 4.0, 6.0, 4.0])}  # warm-up first

    def thing(name: str):
        def run() -> None:
            order.append(name)
            threads.append(torch.get_num_threads())
            clock.now += next(costs[name])

        return run

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        t = timing.timings({"a": thing("a"), "b": thing("b")}, repeats=4, threads=1)
        assert torch.get_num_threads() == 2  # put back as it was
    finally:
        torch.set_num_threads(before)
    assert order == ["a", "b"] * 5  # one warm-up each, then rounds that take each in turn
    assert set(threads) == {1}
    assert t.seconds == {"a": 1.0, "b": 4.0}
    assert t.spread == {"a": pytest.approx((2.5 - 1.0) / 1.0), "b": pytest.approx(0.0)}
    assert (t.repeats, t.threads) == (4, 1)
    assert t.ratio("b", "a") == 4.0
    assert "minimum of 4 interleaved runs after a warm-up" in t.where()
    assert t.machine in t.where()


def test_timings_put_the_threads_back_when_a_thing_fails():
    before = torch.get_num_threads()

    def broken() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        timing.timings({"broken": broken}, threads=1)
    assert torch.get_num_threads() == before
