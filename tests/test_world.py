"""The toy world: rendering, captions, the prompt parser and the held-out split."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painters import world

SCENES = st.sampled_from(world.ALL_SCENES)


def test_shared_prompt_is_the_canonical_wording_of_its_scene():
    scene = world.parse_prompt(world.SHARED_PROMPT)
    assert scene == world.Scene("bicycle", "red", "beach", "sunset")
    assert scene.prompt == world.SHARED_PROMPT


def test_every_scene_renders_to_32x32_rgb():
    images = world.render_many(world.ALL_SCENES, seed=0)
    assert images.shape == (len(world.ALL_SCENES), 32, 32, 3)
    assert images.dtype == np.uint8


def test_rendering_is_deterministic_for_a_seed_and_varies_across_seeds():
    scenes = [world.parse_prompt(world.SHARED_PROMPT)] * 8
    a, b, c = world.render_many(scenes, 3), world.render_many(scenes, 3), world.render_many(scenes, 4)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    # one prompt, many right answers: no two renders of the same prompt are the same picture
    flat = a.reshape(len(a), -1)
    assert len({row.tobytes() for row in flat}) == len(a)


@pytest.mark.parametrize("obj", world.OBJECTS)
def test_each_object_covers_enough_pixels_to_be_recognised(obj):
    scenes = [world.Scene(obj, colour, "meadow", "noon") for colour in world.COLOURS]
    rng_a = [np.random.default_rng(i) for i in range(4)]
    rng_b = [np.random.default_rng(i) for i in range(4)]
    with_object = np.stack([world.render(s, r) for s, r in zip(scenes, rng_a, strict=True)])
    without = np.stack([world.render(s, r, with_object=False) for s, r in zip(scenes, rng_b, strict=True)])
    changed = (np.abs(with_object.astype(int) - without.astype(int)).sum(-1) > 60).sum(axis=(1, 2))
    assert changed.min() >= 40, f"{obj} changes only {changed.min()} pixels"


def test_held_out_scenes_never_reach_training_data():
    assert not set(world.HELD_OUT) & set(world.TRAIN_SCENES)
    data = world.make_dataset(400, seed=1)
    held = {s.labels for s in world.HELD_OUT}
    assert not {tuple(row) for row in data.labels.tolist()} & held
    assert data.images.shape == (400, 32, 32, 3)
    assert data.tokens.shape == (400, world.MAX_WORDS)


@settings(max_examples=200, deadline=None)
@given(scene=SCENES, seed=st.integers(0, 2**32 - 1))
def test_every_caption_parses_back_to_its_scene(scene, seed):
    text = world.caption(scene, np.random.default_rng(seed))
    assert world.parse_prompt(text) == scene


@settings(max_examples=200, deadline=None)
@given(scene=SCENES, data=st.data())
def test_random_phrasings_with_synonyms_fillers_and_any_order_parse(scene, data):
    words = [data.draw(st.sampled_from(world.SYNONYMS[name][getattr(scene, name)])) for name in world.ATTRIBUTES]
    words += data.draw(st.lists(st.sampled_from(world.FILLER), max_size=world.MAX_WORDS - 4))
    order = data.draw(st.permutations(words))
    assert world.parse_prompt(" ".join(order)) == scene


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_junk_either_parses_or_raises_prompt_error(text):
    try:
        scene = world.parse_prompt(text)
    except world.PromptError as error:
        message = str(error)
        scene = None
    else:
        message = ""
    assert scene in world.ALL_SCENES if scene is not None else message


def test_unknown_word_names_the_nearest_known_word_and_lists_the_vocabulary():
    with pytest.raises(world.PromptError, match="'bicylce' \\(did you mean 'bicycle'\\?\\)") as info:
        world.parse_prompt("a red bicylce on a beach at sunset")
    assert "Known words:" in str(info.value)


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a red bicycle on a beach", "names no time"),
        ("a red blue bicycle on a beach at sunset", "two colours: red and blue"),
        ("a red bicycle on a beach at sunset " + "the " * 20, "at most 16"),
        ("x" * 500, "characters long"),
        ("a red bicycle 🚲 on a beach at sunset", "characters outside"),
    ],
)
def test_bad_prompts_say_what_is_wrong(prompt, message):
    with pytest.raises(world.PromptError, match=message):
        world.parse_prompt(prompt)


def test_synonyms_name_the_same_scene():
    assert world.parse_prompt("a crimson bike on the sand at dusk") == world.parse_prompt(world.SHARED_PROMPT)


def test_encode_pads_to_the_fixed_length_with_known_ids():
    ids = world.encode(world.SHARED_PROMPT)
    assert len(ids) == world.MAX_WORDS
    assert ids[:2] == [world.WORD_INDEX["a"], world.WORD_INDEX["red"]]
    assert ids[-1] == world.WORD_INDEX[world.PAD] == 0
