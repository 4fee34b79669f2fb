"""The judge (committed checkpoint) and the metrics every painter is measured with."""

import numpy as np
import pytest

from painters import judge, world


@pytest.fixture(scope="module")
def fresh():
    scenes = list(world.ALL_SCENES) * 2
    return scenes, world.render_many(scenes, seed=424242)


def test_judge_reads_every_attribute_of_fresh_renders(fresh):
    scenes, images = fresh
    readings = judge.read(images)
    for name in world.ATTRIBUTES:
        accuracy = np.mean([seen == getattr(s, name) for seen, s in zip(readings.names[name], scenes, strict=True)])
        assert accuracy >= 0.98, f"{name}: {accuracy:.3f}"
    assert (readings.scene_probability > 0.5).mean() >= 0.98


def test_judge_is_not_fooled_by_images_that_are_not_scenes():
    verdicts = judge.controls(n=48, seed=77)
    for kind in judge.NOT_SCENES:
        assert verdicts[kind]["object named"] <= 0.05, (kind, verdicts[kind])
    assert verdicts["empty scene"]["object named"] <= 0.05
    assert verdicts["real scene"]["object named"] >= 0.95


def test_prompt_match_of_real_renders_is_near_one_and_of_wrong_prompt_near_zero():
    scene = world.parse_prompt(world.SHARED_PROMPT)
    images = world.render_many([scene] * 32, seed=9)
    assert judge.prompt_match(images, scene)["all four"] >= 0.95
    other = world.Scene("boat", "blue", "snow", "night")
    assert judge.prompt_match(images, other)["all four"] == 0.0


def test_frechet_distance_is_zero_for_the_same_set_and_grows_with_a_shift():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(200, 8))
    assert judge.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert judge.frechet_distance(a, a + 1.0) == pytest.approx(8.0, rel=1e-6)


def test_precision_recall_catch_mode_collapse():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(200, 4))
    assert judge.precision_recall(real, real) == (1.0, 1.0)
    collapsed = np.repeat(real[:1], 200, axis=0)  # one good sample, repeated
    precision, recall = judge.precision_recall(real, collapsed)
    assert precision == 1.0
    assert recall < 0.1


def test_sharpness_drops_with_blur_and_diversity_with_repetition():
    images = world.render_many([world.parse_prompt(world.SHARED_PROMPT)] * 8, seed=2)
    blurred = ((images[:, :-1, :-1].astype(int) + images[:, 1:, 1:]) // 2).astype(np.uint8)
    assert judge.sharpness(blurred) < 0.7 * judge.sharpness(images[:, :-1, :-1])
    assert judge.pixel_diversity(np.repeat(images[:1], 8, axis=0)) == pytest.approx(0.0, abs=1e-6)
    assert judge.pixel_diversity(images) > 0.05
