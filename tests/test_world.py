"""The toy world: rendering and layouts, the training sets, captions, the prompt parser."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painters import canvas
from painters.canvas import dataset, drawing, words

SCENES = st.sampled_from(canvas.ALL_SCENES)
FIELD = {name: k for k, name in enumerate(canvas.LAYOUT_FIELDS)}
OBJECT_FIELDS = ("object_x", "object_base", "object_size", "facing")


def mixed_scenes(n: int, seed: int = 0) -> list[canvas.Scene]:
    """n scenes drawn from the whole world, so every time, place and object mixes in one batch."""
    rng = np.random.default_rng(seed)
    return [canvas.ALL_SCENES[int(i)] for i in rng.integers(len(canvas.ALL_SCENES), size=n)]


# --- rendering --------------------------------------------------------------------------------


def test_every_scene_renders_to_32x32_rgb():
    images = canvas.render_many(canvas.ALL_SCENES, seed=0)
    assert images.shape == (len(canvas.ALL_SCENES), 32, 32, 3)
    assert images.dtype == np.uint8


def test_rendering_is_deterministic_for_a_seed_and_varies_across_seeds():
    scenes = [canvas.parse_prompt(canvas.SHARED_PROMPT)] * 8
    a, b, c = canvas.render_many(scenes, 3), canvas.render_many(scenes, 3), canvas.render_many(scenes, 4)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    # one prompt, many right answers: no two renders of the same prompt are the same picture
    assert len({image.tobytes() for image in a}) == len(a)


def test_a_picture_does_not_depend_on_what_is_drawn_beside_it(monkeypatch):
    # Scenes are painted in groups (one array operation per layer of many scenes); a scene's
    # pixels must be the same drawn alone, among others, or split across render batches.
    scenes = mixed_scenes(40, seed=1)
    together, layouts = canvas.render_many_with_layout(scenes, seed=11)
    streams = np.random.SeedSequence(11).spawn(len(scenes))
    alone = np.stack([canvas.render(s, np.random.default_rng(st)) for s, st in zip(scenes, streams, strict=True)])
    np.testing.assert_array_equal(alone, together)
    np.testing.assert_array_equal(canvas.render_many(scenes[:7], seed=11), together[:7])
    monkeypatch.setattr(drawing, "RENDER_BATCH", 3)
    split, split_layouts = canvas.render_many_with_layout(scenes, seed=11)
    np.testing.assert_array_equal(split, together)
    np.testing.assert_array_equal(split_layouts, layouts)


@pytest.mark.parametrize("obj", canvas.OBJECTS)
def test_each_object_covers_enough_pixels_to_be_recognised(obj):
    scenes = [canvas.Scene(obj, colour, "meadow", "noon") for colour in canvas.COLOURS]
    with_object = canvas.render_many(scenes, seed=5)
    without = canvas.render_many(scenes, seed=5, with_object=False)
    changed = (np.abs(with_object.astype(int) - without.astype(int)).sum(-1) > 60).sum(axis=(1, 2))
    assert changed.min() >= 40, f"{obj} changes only {changed.min()} pixels"


# --- layouts ----------------------------------------------------------------------------------


def test_layouts_have_one_row_per_picture_within_the_plans_bounds():
    scenes = mixed_scenes(300, seed=2)
    _, layouts = canvas.render_many_with_layout(scenes, seed=7)
    assert layouts.shape == (300, len(canvas.LAYOUT_FIELDS))
    assert layouts.dtype == np.float32
    assert not np.isnan(layouts).any()
    horizon, x, base = layouts[:, FIELD["horizon"]], layouts[:, FIELD["object_x"]], layouts[:, FIELD["object_base"]]
    size = layouts[:, FIELD["object_size"]]
    assert ((horizon >= 10.5) & (horizon <= 16.0)).all()
    assert ((size >= 0.85) & (size <= 1.15)).all()
    assert set(layouts[:, FIELD["facing"]].tolist()) == {-1.0, 1.0}
    half_width = np.array([drawing.HALF_WIDTH[s.object] for s in scenes]) * size
    assert (x >= half_width + 1 - 1e-4).all()  # the whole object stays inside the frame
    assert (x <= canvas.SIZE - half_width - 1 + 1e-4).all()
    assert (base >= horizon + 8 - 1e-4).all()  # it stands on the ground, below the horizon
    assert (base <= canvas.SIZE - 1.5 + 1e-4).all()
    assert ((layouts[:, FIELD["sky_x"]] >= 4) & (layouts[:, FIELD["sky_x"]] <= canvas.SIZE - 4)).all()
    # the same seed, the same layouts, whether or not the pictures are wanted
    assert np.array_equal(canvas.render_many_with_layout(scenes, seed=7)[1], layouts)


def test_the_layout_says_where_the_object_was_drawn():
    scenes = [canvas.Scene(obj, "red", place, "noon") for obj in canvas.OBJECTS for place in canvas.PLACES] * 3
    images, layouts = canvas.render_many_with_layout(scenes, seed=3)
    empty = canvas.render_many(scenes, seed=3, with_object=False)
    changed = np.abs(images.astype(int) - empty.astype(int)).sum(-1) > 60  # (N, 32, 32): the object's pixels
    columns = np.arange(canvas.SIZE) + 0.5
    centre_x = (changed.sum(1) * columns).sum(1) / changed.sum((1, 2))
    error = np.abs(centre_x - layouts[:, FIELD["object_x"]])
    assert error.max() < 1.0, f"object drawn {error.max():.1f} px from its layout's x"
    lowest = np.array([np.flatnonzero(c.any(1)).max() + 1 for c in changed])  # below the object's last row
    below_base = lowest - layouts[:, FIELD["object_base"]]  # the object and its shadow end at its base
    assert below_base.min() >= 0, below_base.min()
    assert below_base.max() < 2.5, below_base.max()


def test_an_empty_scene_has_no_object_in_its_layout_but_keeps_its_sky():
    scenes = mixed_scenes(50, seed=4)
    _, layouts = canvas.render_many_with_layout(scenes, seed=8, with_object=False)
    for name in OBJECT_FIELDS:
        assert np.isnan(layouts[:, FIELD[name]]).all(), name
    for name in ("horizon", "sky_y", "sky_x"):
        assert not np.isnan(layouts[:, FIELD[name]]).any(), name
    _, with_object = canvas.render_many_with_layout(scenes, seed=8)
    np.testing.assert_array_equal(layouts[:, FIELD["horizon"]], with_object[:, FIELD["horizon"]])


# --- counts and training sets -----------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1, canvas.MAX_SAMPLES + 1, True, 2.0, "3", None])
def test_a_bad_picture_count_is_refused(n):
    with pytest.raises(ValueError, match=f"between 1 and {canvas.MAX_SAMPLES}"):
        canvas.check_count(n)


def test_the_count_limits_are_accepted():
    assert canvas.check_count(1) == 1
    assert canvas.check_count(canvas.MAX_SAMPLES) == canvas.MAX_SAMPLES
    with pytest.raises(ValueError, match="between 1 and"):
        canvas.render_prompt(canvas.SHARED_PROMPT, 0)
    assert canvas.render_prompt(canvas.SHARED_PROMPT, 2, seed=1).shape == (2, 32, 32, 3)


def test_held_out_scenes_never_reach_training_data():
    assert not set(canvas.HELD_OUT) & set(canvas.TRAIN_SCENES)
    assert len(canvas.TRAIN_SCENES) + len(canvas.HELD_OUT) == len(canvas.ALL_SCENES)
    data = canvas.make_dataset(400, seed=1)
    held = {s.labels for s in canvas.HELD_OUT}
    assert not {tuple(row) for row in data.labels.tolist()} & held
    assert data.images.shape == (400, 32, 32, 3)
    assert data.tokens.shape == (400, canvas.MAX_WORDS)
    assert data.layouts.shape == (400, len(canvas.LAYOUT_FIELDS))


def test_a_datasets_labels_captions_and_layouts_belong_to_its_pictures():
    data = canvas.make_dataset(60, seed=3, scenes=canvas.ALL_SCENES)
    scenes = [canvas.Scene(*(values[i] for values, i in zip(canvas.ATTRIBUTES.values(), row, strict=True)))
              for row in data.labels.tolist()]  # fmt: skip
    words = [" ".join(canvas.VOCAB[t] for t in row if t) for row in data.tokens.tolist()]
    assert [canvas.parse_prompt(w) for w in words] == scenes
    np.testing.assert_array_equal(canvas.render_many_with_layout(scenes, seed=4)[1], data.layouts)
    np.testing.assert_array_equal(canvas.render_many(scenes, seed=4), data.images)


def test_a_cached_dataset_is_read_back_not_drawn_again(tmp_path, monkeypatch):
    first = canvas.make_dataset(32, seed=2, cache=tmp_path)
    (path,) = tmp_path.glob("world-*.npz")

    def no_drawing(*args, **kwargs):
        raise AssertionError("drew the dataset again instead of reading the cache")

    with monkeypatch.context() as m:
        m.setattr(dataset, "render_many_with_layout", no_drawing)
        again = canvas.make_dataset(32, seed=2, cache=tmp_path)
    for name in ("images", "tokens", "labels", "layouts"):
        np.testing.assert_array_equal(getattr(again, name), getattr(first, name))
    np.testing.assert_array_equal(first.images, canvas.make_dataset(32, seed=2).images)  # as made without a cache
    canvas.make_dataset(32, seed=3, cache=tmp_path)
    canvas.make_dataset(33, seed=2, cache=tmp_path)
    assert len(list(tmp_path.glob("world-*.npz"))) == 3  # another seed or size is another entry
    path.write_bytes(b"\0" * path.stat().st_size)  # a broken copy is drawn again, not trusted
    np.testing.assert_array_equal(canvas.make_dataset(32, seed=2, cache=tmp_path).images, first.images)


# --- captions and prompts ---------------------------------------------------------------------


def test_shared_prompt_is_the_canonical_wording_of_its_scene():
    scene = canvas.parse_prompt(canvas.SHARED_PROMPT)
    assert scene == canvas.Scene("bicycle", "red", "beach", "sunset")
    assert scene.prompt == canvas.SHARED_PROMPT


@settings(max_examples=200, deadline=None)
@given(scene=SCENES, seed=st.integers(0, 2**32 - 1))
def test_every_caption_parses_back_to_its_scene(scene, seed):
    text = canvas.caption(scene, np.random.default_rng(seed))
    assert canvas.parse_prompt(text) == scene


@settings(max_examples=200, deadline=None)
@given(scene=SCENES, data=st.data())
def test_random_phrasings_with_synonyms_fillers_and_any_order_parse(scene, data):
    words = [data.draw(st.sampled_from(canvas.SYNONYMS[name][getattr(scene, name)])) for name in canvas.ATTRIBUTES]
    words += data.draw(st.lists(st.sampled_from(canvas.FILLER), max_size=canvas.MAX_WORDS - 4))
    order = data.draw(st.permutations(words))
    assert canvas.parse_prompt(" ".join(order)) == scene


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_junk_either_parses_or_raises_prompt_error(text):
    try:
        scene = canvas.parse_prompt(text)
    except canvas.PromptError as error:
        message = str(error)
        scene = None
    else:
        message = ""
    assert (scene in canvas.ALL_SCENES) if scene is not None else message  # a scene, or a refusal that says why


def test_unknown_word_names_the_nearest_known_word_and_lists_the_vocabulary():
    with pytest.raises(canvas.PromptError, match="'bicylce' \\(did you mean 'bicycle'\\?\\)") as info:
        canvas.parse_prompt("a red bicylce on a beach at sunset")
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
    with pytest.raises(canvas.PromptError, match=message):
        canvas.parse_prompt(prompt)


def test_a_prompt_is_text():
    with pytest.raises(canvas.PromptError, match="text, not bytes"):
        canvas.parse_prompt(b"a red bicycle on a beach at sunset")


def test_synonyms_name_the_same_scene():
    assert canvas.parse_prompt("a crimson bike on the sand at dusk") == canvas.parse_prompt(canvas.SHARED_PROMPT)


def test_encode_pads_to_the_fixed_length_with_known_ids():
    ids = canvas.encode(canvas.SHARED_PROMPT)
    assert len(ids) == canvas.MAX_WORDS
    assert ids[:2] == [words.WORD_INDEX["a"], words.WORD_INDEX["red"]]
    assert ids[-1] == words.WORD_INDEX[words.PAD] == 0
