"""The metrics, on synthetic data where the right answer is known, and the whole-world protocol:
its plumbing with a tiny stand-in judge, its ceiling with the committed one (skipped, with the
reason, while that checkpoint cannot be used)."""

from __future__ import annotations

import numpy as np
import pytest
from checkpoint_home import committed

from painters import canvas
from painters.checkpoints import store
from painters.core import cache
from painters.families import judge as judge_model
from painters.measure import judge, metrics

SCENE = canvas.parse_prompt(canvas.SHARED_PROMPT)

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def renders() -> np.ndarray:
    return canvas.render_many([SCENE] * 8, seed=2)


# --- pixels -----------------------------------------------------------------------------------


def test_sharpness_is_zero_for_flat_pictures_and_drops_with_blur(renders):
    assert metrics.sharpness(np.full((2, 32, 32, 3), 90, dtype=np.uint8)) == 0.0
    ramp = np.broadcast_to(np.arange(32, dtype=np.uint8)[None, None, :, None] * 8, (1, 32, 32, 3))
    assert metrics.sharpness(np.ascontiguousarray(ramp)) == pytest.approx(0.0, abs=1e-12)  # no edge in a ramp
    blurred = ((renders[:, :-1, :-1].astype(int) + renders[:, 1:, 1:]) // 2).astype(np.uint8)
    assert metrics.sharpness(blurred) < 0.7 * metrics.sharpness(renders[:, :-1, :-1])


def test_sharpness_of_a_checkerboard():
    board = (np.indices((32, 32)).sum(0) % 2 * 255).astype(np.uint8)
    images = np.repeat(board[None, :, :, None], 3, axis=3)
    # each inner pixel's Laplacian is +-4 (in [0, 1] grey units), alternating: variance 16
    assert metrics.sharpness(images) == pytest.approx(16.0)


def test_pixel_diversity_of_copies_opposites_and_renders(renders):
    assert metrics.pixel_diversity(np.repeat(renders[:1], 8, axis=0)) == pytest.approx(0.0, abs=1e-6)
    black_white = np.stack([np.zeros((32, 32, 3)), np.full((32, 32, 3), 255)]).astype(np.uint8)
    assert metrics.pixel_diversity(black_white) == pytest.approx(1.0)
    assert 0.05 < metrics.pixel_diversity(renders) < 1.0


def test_mean_pairwise_distance():
    points = np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])
    assert metrics.mean_pairwise_distance(points) == pytest.approx((5 + 10 + 5) / 3)
    with pytest.raises(ValueError, match="at least two"):
        metrics.mean_pairwise_distance(points[:1])


# --- sets of feature vectors --------------------------------------------------------------------


def test_coverage_counts_the_real_points_some_fake_one_reaches():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(200, 4))
    assert metrics.coverage(real, real) == 1.0
    assert metrics.coverage(real, real + 100.0) == 0.0  # fakes far from every real point
    half = real[real[:, 0] > 0]  # a painter that paints only half the world
    assert 0.35 < metrics.coverage(real, half) < 0.75


def test_precision_recall_catch_mode_collapse():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(200, 4))
    assert metrics.precision_recall(real, real) == (1.0, 1.0)
    collapsed = np.repeat(real[:1], 200, axis=0) + rng.normal(scale=1e-3, size=(200, 4))  # one good picture
    precision, recall = metrics.precision_recall(real, collapsed)
    assert precision == 1.0
    assert recall < 0.1
    precision, recall = metrics.precision_recall(real, rng.normal(loc=6.0, size=(200, 4)))  # all off the mark
    assert precision < 0.05


def test_frechet_distance_of_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(2000, 8))
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert metrics.frechet_distance(a, a + 1.0) == pytest.approx(8.0, rel=1e-6)  # |mean shift|^2
    # scaled by 2: covariance S against 4S gives tr(S) + tr(4S) - 2 tr(2S) = tr(S), plus the means' gap
    expected = np.trace(np.cov(a, rowvar=False)) + (a.mean(0) ** 2).sum()
    assert metrics.frechet_distance(a, 2.0 * a) == pytest.approx(expected, rel=1e-6)
    b = rng.normal(size=(2000, 8))
    assert metrics.frechet_distance(a, b) == pytest.approx(metrics.frechet_distance(b, a), rel=1e-6)
    assert metrics.frechet_distance(a, b) < 0.2  # two draws of one distribution


# --- the protocol -------------------------------------------------------------------------------


def test_captions_are_varied_read_as_their_scene_and_the_same_for_a_seed():
    scenes = canvas.HELD_OUT[:3]
    prompts = metrics.captions(scenes, 5)
    assert len(prompts) == 15
    assert [canvas.parse_prompt(p) for p in prompts] == [s for s in scenes for _ in range(5)]
    assert len(set(prompts[:5])) > 1  # varied wording within a scene
    assert metrics.captions(scenes, 5) == prompts
    assert metrics.captions(scenes, 5, seed=1) != prompts


def test_reference_lays_renders_out_scene_after_scene():
    scenes = canvas.HELD_OUT[:2]
    reals = metrics.reference(scenes, 3)
    assert reals.shape == (6, 32, 32, 3)
    np.testing.assert_array_equal(reals, canvas.render_many([scenes[0]] * 3 + [scenes[1]] * 3, metrics.REFERENCE_SEED))


def test_paint_all_asks_in_chunks_with_a_seed_per_chunk(monkeypatch):
    monkeypatch.setattr(metrics, "PAINT_CHUNK", 4)
    asked = []

    def paint(prompts: list[str], seed: int) -> np.ndarray:
        asked.append((list(prompts), seed))
        return np.full((len(prompts), 32, 32, 3), seed, dtype=np.uint8)

    prompts = [f"p{i}" for i in range(10)]
    out = metrics.paint_all(paint, prompts)
    assert asked == [(prompts[0:4], 0), (prompts[4:8], 1), (prompts[8:10], 2)]
    assert out.shape == (10, 32, 32, 3)
    assert out[:, 0, 0, 0].tolist() == [0] * 4 + [1] * 4 + [2] * 2


def test_compare_refuses_sets_that_do_not_line_up():
    images = np.zeros((6, 32, 32, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="6 pictures and 4 renders for 2 scenes"):
        metrics.compare(images, images[:4], canvas.HELD_OUT[:2])
    with pytest.raises(ValueError, match="for 4 scenes"):
        metrics.compare(images, images, canvas.HELD_OUT)


def test_real_renders_against_themselves_score_exactly_the_ceiling(small_protocol):
    scenes = canvas.HELD_OUT[:2]
    reals = metrics.reference(scenes, 6)
    m = metrics.compare(reals, reals, scenes)  # any judge: the same pictures read the same
    assert m.sharpness_ratio == pytest.approx(1.0)
    assert m.pixel_diversity_ratio == pytest.approx(1.0)
    assert m.feature_diversity_ratio == pytest.approx(1.0)
    assert m.layout_diversity_ratio == pytest.approx(1.0)
    assert m.layout_coverage == 1.0
    assert (m.precision, m.recall) == (1.0, 1.0)
    assert m.frechet == pytest.approx(0.0, abs=1e-4)
    assert (m.scenes, m.pictures) == (2, 12)
    assert set(m.prompt_match) == {*canvas.ATTRIBUTES, "all four"}
    assert m.as_dict()["pictures"] == 12


def test_copies_of_one_picture_score_no_diversity_and_little_coverage(small_protocol):
    scenes = canvas.HELD_OUT[:2]
    reals = metrics.reference(scenes, 6)
    copies = np.concatenate([np.repeat(reals[:1], 6, axis=0), np.repeat(reals[6:7], 6, axis=0)])
    m = metrics.compare(copies, reals, scenes)
    assert m.pixel_diversity_ratio == pytest.approx(0.0, abs=1e-6)
    assert m.feature_diversity_ratio == pytest.approx(0.0, abs=1e-6)
    assert m.layout_diversity_ratio == pytest.approx(0.0, abs=1e-6)
    assert m.layout_coverage < 0.5
    assert m.recall < 0.5


def test_prompt_match_is_per_scene_and_needs_a_scene_for_all_four(small_protocol):
    scene = canvas.HELD_OUT[0]
    images = canvas.render_many([scene] * 4, 1)
    readings = judge.read(images, small_protocol)
    readings.names = {name: [getattr(scene, name)] * 4 for name in canvas.ATTRIBUTES}
    readings.names["time"][0] = "noon" if scene.time != "noon" else "night"
    readings.scene_probability = np.array([0.9, 0.9, 0.9, 0.1])
    match = metrics.prompt_match(images, scene, readings)
    assert match == {"object": 1.0, "colour": 1.0, "place": 1.0, "time": 0.75, "all four": 0.5}


def test_measure_paints_every_scene_of_both_groups_in_varied_wording(small_protocol):
    asked = []

    def paint(prompts: list[str], seed: int) -> np.ndarray:
        asked.extend(prompts)
        return canvas.render_many([canvas.parse_prompt(p) for p in prompts], seed + 5)

    result = metrics.measure(paint)
    assert set(result) == {"trained", "held_out"}
    assert (result["trained"].scenes, result["trained"].pictures) == (2, 8)
    assert (result["held_out"].scenes, result["held_out"].pictures) == (1, 4)
    groups = metrics.groups()
    expected = [s for group in groups.values() for s in group[0] for _ in range(group[1])]
    assert [canvas.parse_prompt(p) for p in asked] == expected
    assert asked == metrics.captions(*groups["trained"]) + metrics.captions(*groups["held_out"])


def test_the_protocol_takes_half_the_trained_scenes_and_every_held_out_one():
    groups = metrics.groups()
    assert groups["trained"] == (canvas.TRAIN_SCENES[::2], metrics.SAMPLES_PER_SCENE)
    assert groups["held_out"] == (canvas.HELD_OUT, metrics.HELD_OUT_SAMPLES)
    assert len(groups["trained"][0]) == len(canvas.TRAIN_SCENES) // 2 == 70
    for attribute, values in canvas.ATTRIBUTES.items():  # every value of every attribute is measured
        assert {getattr(s, attribute) for s in groups["trained"][0]} == set(values)
    assert metrics.protocol()["groups"] == {
        "trained": {"scenes": 70, "pictures_per_scene": metrics.SAMPLES_PER_SCENE},
        "held_out": {"scenes": 4, "pictures_per_scene": metrics.HELD_OUT_SAMPLES},
    }


def test_every_number_has_an_interval_that_holds_it_and_shrinks_with_more_scenes():
    rng = np.random.default_rng(0)
    scenes = canvas.TRAIN_SCENES[::2][:24]
    reals = metrics.reference(scenes, 4)
    noisy = np.clip(reals.astype(int) + rng.integers(-40, 41, reals.shape), 0, 255).astype(np.uint8)
    m = metrics.compare(noisy, reals, scenes)
    assert set(m.intervals) == set(metrics.INTERVAL_KEYS)
    for key in metrics.INTERVAL_KEYS:
        low, high = m.interval(key)
        assert low <= m.value(key) <= high, key
    fewer = metrics.compare(noisy[: 8 * 4], reals[: 8 * 4], scenes[:8])
    wide = {k: np.subtract(*reversed(fewer.interval(k))) for k in ("all four", "sharpness_ratio", "frechet")}
    narrow = {k: np.subtract(*reversed(m.interval(k))) for k in wide}
    assert sum(narrow.values()) < sum(wide.values())
    assert metrics.Measurement.from_array(m.as_array()) == m


# --- with the committed judge -------------------------------------------------------------------


@pytest.fixture(scope="module")
def committed_judge() -> judge_model.Judge:
    return committed("judge")


def test_real_against_real_prompt_match_is_the_judges_accuracy(committed_judge):
    scenes = canvas.ALL_SCENES
    m = metrics.compare(metrics.reference(scenes, 4, metrics.SECOND_REFERENCE_SEED), metrics.reference(scenes, 4),
                        scenes)  # fmt: skip
    accuracy = store.read_manifest("judge").metrics["accuracy"]
    for name in canvas.ATTRIBUTES:
        assert m.prompt_match[name] == pytest.approx(accuracy[name], abs=0.03), name
    assert m.prompt_match["all four"] >= 0.95
    assert 0.8 < m.sharpness_ratio < 1.25
    assert 0.8 < m.feature_diversity_ratio < 1.25
    assert m.precision > 0.8
    assert m.recall > 0.8


def test_a_wrong_prompt_scores_near_zero(committed_judge):
    images = canvas.render_many([SCENE] * 32, seed=9)
    assert metrics.prompt_match(images, SCENE)["all four"] >= 0.95
    assert metrics.prompt_match(images, canvas.Scene("boat", "blue", "snow", "night"))["all four"] == 0.0


def test_paint_all_leaves_a_chunk_another_process_is_painting_for_last(monkeypatch):
    monkeypatch.setattr(metrics, "PAINT_CHUNK", 2)
    calls: list[int] = []

    def paint(prompts: list[str], seed: int) -> np.ndarray:
        calls.append(seed)
        if seed == 1 and calls.count(1) == 1:
            raise cache.BusyError("chunk 1")  # another process is painting it
        return np.full((len(prompts), 1), seed)

    out = metrics.paint_all(paint, ["p"] * 5)
    assert calls == [0, 1, 2, 1]  # the busy chunk skipped, then asked again at the end
    np.testing.assert_array_equal(out[:, 0], [0, 0, 1, 1, 2])  # and put in its place


def test_a_measurement_survives_the_trip_through_an_array(small_protocol):
    scenes, n = canvas.HELD_OUT[:2], 3
    m = metrics.compare(metrics.reference(scenes, n, seed=1), metrics.reference(scenes, n), scenes)
    back = metrics.Measurement.from_array(m.as_array())
    assert back == m
    assert isinstance(back.pictures, int)
    assert back.pictures == 6
