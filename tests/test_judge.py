"""The judge: a tiny one trained here (its loss, layout head, readings, determinism), and the
committed one's accuracy (skipped, with the reason, while its checkpoint cannot be used)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from checkpoint_home import committed

from painters import canvas
from painters.checkpoints import store
from painters.families import fit
from painters.families import judge as judge_model
from painters.measure import judge

CPU = torch.device("cpu")

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def data() -> canvas.Dataset:
    """Real renders of every scene and a few empty ones, as judge.training_data mixes them."""
    real = canvas.make_dataset(192, 1, canvas.ALL_SCENES)
    scenes = list(canvas.ALL_SCENES[:64])
    empty, layouts = canvas.render_many_with_layout(scenes, 3, with_object=False)
    labels = np.array([s.labels for s in scenes])
    labels[:, 0], labels[:, 1] = judge_model.NO_OBJECT, judge_model.IGNORE
    return canvas.Dataset(
        np.concatenate([real.images, empty]),
        np.concatenate([real.tokens, np.zeros((64, canvas.MAX_WORDS), dtype=np.int64)]),
        np.concatenate([real.labels, labels]),
        np.concatenate([real.layouts, layouts]),
    )


@pytest.fixture(scope="module")
def trained(data: canvas.Dataset) -> tuple[judge_model.Judge, dict[str, list[float]]]:
    return judge_model.train(judge_model.Config.tiny(), seed=0, device=CPU, progress=False, data=data)


def test_the_heads_have_the_right_shapes() -> None:
    config = judge_model.Config.tiny()
    logits = judge_model.build(config)(torch.zeros(5, 3, 32, 32))
    assert {name: tuple(v.shape) for name, v in logits.items()} == {
        "object": (5, len(canvas.OBJECTS) + 1),  # + "no object"
        "colour": (5, len(canvas.COLOURS)),
        "place": (5, len(canvas.PLACES)),
        "time": (5, len(canvas.TIMES)),
        "scene": (5, 2),
        "layout": (5, len(canvas.LAYOUT_FIELDS)),
    }


def test_training_standardises_the_layout_over_its_renders(trained, data) -> None:
    model, _ = trained
    layouts = torch.from_numpy(data.layouts)
    torch.testing.assert_close(model.layout_mean, layouts.nanmean(0))
    assert (model.layout_std > 0).all()
    assert not model.layout_mean.isnan().any()  # the empty scenes' NaNs are skipped, not spread


def test_the_loss_falls_on_fresh_pictures(trained) -> None:
    model, history = trained
    fresh_data = canvas.make_dataset(128, 99, canvas.ALL_SCENES)
    fresh = fit.Pictures(fresh_data, CPU).take(torch.arange(128))

    def loss(m: judge_model.Judge) -> float:
        generator = torch.Generator().manual_seed(4)
        with torch.no_grad():
            fakes = judge_model.not_scenes(fresh.images[:32], generator)
            return judge_model.judge_loss(m, fresh.images, fakes, fresh).item()

    fit.seed_everything(0)
    untrained = judge_model.build(judge_model.Config.tiny())  # the trained judge's start (seed 0)
    untrained.load_state_dict({**untrained.state_dict(), "layout_mean": model.layout_mean,
                               "layout_std": model.layout_std})  # fmt: skip
    before, after = loss(untrained), loss(model)
    assert after < 0.9 * before, (before, after)
    assert history["step"] == [10.0, 20.0]


def test_the_loss_skips_the_layout_and_colour_of_an_object_that_is_not_there() -> None:
    torch.manual_seed(0)
    model = judge_model.build(judge_model.Config.tiny())
    scenes = list(canvas.ALL_SCENES[:4])
    images, layouts = canvas.render_many_with_layout(scenes, 1)
    empty, empty_layouts = canvas.render_many_with_layout(scenes[:2], 2, with_object=False)
    labels = np.array([s.labels for s in scenes])
    labels[:2, 0], labels[:2, 1] = judge_model.NO_OBJECT, judge_model.IGNORE  # two empty scenes among two real ones
    images[:2], layouts[:2] = empty, empty_layouts
    assert np.isnan(layouts).any()
    data = canvas.Dataset(images, np.zeros((4, canvas.MAX_WORDS), np.int64), labels, layouts)
    batch = fit.Pictures(data, CPU).take(torch.arange(4))
    loss = judge_model.judge_loss(model, batch.images, batch.images[:2], batch)
    assert torch.isfinite(loss)
    loss.backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


@pytest.mark.parametrize("kind", range(len(judge_model.NOT_SCENES)))
def test_each_kind_of_non_scene_is_made_from_the_scenes(kind) -> None:
    x = torch.from_numpy(canvas.render_many(canvas.ALL_SCENES[:6], 2)).permute(0, 3, 1, 2).float() / 127.5 - 1
    made = judge_model.not_scenes(x, torch.Generator().manual_seed(0), kind=torch.full((6,), kind))
    assert made.shape == x.shape
    assert made.abs().max() <= 1.0
    assert not torch.equal(made, x)
    again = judge_model.not_scenes(x, torch.Generator().manual_seed(0), kind=torch.full((6,), kind))
    assert torch.equal(made, again)
    if judge_model.NOT_SCENES[kind] == "shuffled pixels":  # the same pixels, in other places
        assert torch.equal(made.flatten(2).sort(-1).values, x.flatten(2).sort(-1).values)
    if judge_model.NOT_SCENES[kind] == "flat colour":
        assert (made == made[:, :, :1, :1]).all()


def test_readings_are_per_picture_and_the_layout_is_in_the_worlds_units(trained) -> None:
    model, _ = trained
    images = canvas.render_many(canvas.ALL_SCENES[:10], 4)
    r = judge.read(images, model, batch=4)  # batches of 4: the readings must not depend on it
    assert all(len(r.names[name]) == 10 for name in canvas.ATTRIBUTES)
    assert set(r.names["object"]) <= {*canvas.OBJECTS, "none"}
    assert r.scene_probability.shape == (10,)
    assert r.features.shape == (10, judge_model.Config.tiny().features)
    assert r.layout_scores.shape == r.layout.shape == (10, len(canvas.LAYOUT_FIELDS))
    expected = r.layout_scores * model.layout_std.numpy() + model.layout_mean.numpy()
    np.testing.assert_allclose(r.layout, expected, rtol=1e-5, atol=1e-5)
    whole = judge.read(images, model)
    np.testing.assert_allclose(whole.features, r.features, rtol=1e-4, atol=1e-5)
    assert whole.names == r.names
    assert ((r.confidence["object"] > 0) & (r.confidence["object"] <= 1)).all()


def test_describe_says_what_the_judge_sees() -> None:
    def readings(scene_probability: float, obj: str) -> judge.Readings:
        names = {"object": [obj], "colour": ["red"], "place": ["beach"], "time": ["sunset"]}
        empty = np.zeros((1, 1))
        return judge.Readings(names, {}, np.array([scene_probability]), empty, empty, empty)

    assert readings(0.9, "bicycle").describe(0) == "red bicycle, beach, sunset"
    assert readings(0.9, "none").describe(0) == "no object, beach, sunset"
    assert readings(0.2, "bicycle").describe(0) == "not a scene (80%)"


def test_controls_and_evaluate_report_every_kind_of_picture(trained) -> None:
    model, _ = trained
    verdicts = judge.controls(model, n=8, seed=1)
    assert set(verdicts) == {*judge_model.NOT_SCENES, "empty scene", "real scene"}
    for verdict in verdicts.values():
        assert set(verdict) == {"called a scene", "object named"}
        assert verdict["object named"] <= verdict["called a scene"]  # only a scene can have an object
    report = judge.evaluate(model)
    assert set(report["accuracy"]) == {*canvas.ATTRIBUTES, "scene"}
    assert set(report["layout_error"]) == set(canvas.LAYOUT_FIELDS)
    assert set(report["controls"]) == set(verdicts)


# --- the committed judge --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def committed_judge() -> judge_model.Judge:
    return committed("judge")


@pytest.fixture(scope="module")
def fresh_renders() -> tuple[list[canvas.Scene], np.ndarray, np.ndarray]:
    scenes = list(canvas.ALL_SCENES) * 2
    images, layouts = canvas.render_many_with_layout(scenes, seed=424242)
    return scenes, images, layouts


def test_the_committed_judge_reads_every_attribute_of_fresh_renders(committed_judge, fresh_renders) -> None:
    scenes, images, _ = fresh_renders
    readings = judge.read(images, committed_judge)
    for name in canvas.ATTRIBUTES:
        accuracy = np.mean([seen == getattr(s, name) for seen, s in zip(readings.names[name], scenes, strict=True)])
        assert accuracy >= 0.98, f"{name}: {accuracy:.3f}"
    assert (readings.scene_probability > 0.5).mean() >= 0.98


def test_the_committed_judge_reads_where_things_stand(committed_judge, fresh_renders) -> None:
    _, images, layouts = fresh_renders
    error = np.nanmean(np.abs(judge.read(images, committed_judge).layout - layouts), axis=0)
    guess = np.nanmean(np.abs(layouts - np.nanmean(layouts, axis=0)), axis=0)  # always guessing the average
    recorded = store.read_manifest("judge").metrics["layout_error"]
    for k, name in enumerate(canvas.LAYOUT_FIELDS):
        assert error[k] < 0.5 * guess[k], f"{name}: off by {error[k]:.2f}, guessing the average {guess[k]:.2f}"
        assert error[k] == pytest.approx(recorded[name], rel=0.3, abs=0.05), name  # as its manifest says


def test_the_committed_judge_is_not_fooled_by_images_that_are_not_scenes(committed_judge) -> None:
    verdicts = judge.controls(committed_judge, n=48, seed=77)
    for kind in judge_model.NOT_SCENES:
        assert verdicts[kind]["object named"] <= 0.05, (kind, verdicts[kind])
    assert verdicts["empty scene"]["object named"] <= 0.05
    assert verdicts["real scene"]["object named"] >= 0.95
