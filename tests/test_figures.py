"""Figures for the pages: grids of pictures, tables, charts and the provenance line under them."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
import torch
from PIL import Image

from painters.checkpoints import store
from painters.families import registry
from painters.site import figures


def decode_png(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"))


def pictures(n: int) -> np.ndarray:
    return np.random.default_rng(n).integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)


def test_every_painter_wears_its_registry_colour_and_real_renders_grey():
    expected = {"real": "#6b7280", **{name: registry.get(name).colour for name in registry.painters()}}
    colours = figures.FAMILY_COLOURS
    assert colours == expected
    assert len(set(colours.values())) == len(colours)  # told apart at a glance


def test_tile_lays_pictures_out_in_rows_with_gaps():
    images = pictures(5)
    grid = figures.tile(images, columns=3, gap=1, background=7)
    assert grid.shape == (2 * 32 + 1, 3 * 32 + 2, 3)
    np.testing.assert_array_equal(grid[:32, :32], images[0])
    np.testing.assert_array_equal(grid[:32, 33:65], images[1])
    np.testing.assert_array_equal(grid[33:, 33:65], images[4])
    assert (grid[32] == 7).all()  # the gap between rows
    assert (grid[33:, 66:] == 7).all()  # the empty sixth place


def test_png_data_uris_hold_the_exact_pixels_and_the_same_bytes_every_time():
    image = pictures(1)[0]
    uri = figures.png_data_uri(image)
    np.testing.assert_array_equal(decode_png(uri), image)
    assert figures.png_data_uri(image.copy()) == uri


def test_an_image_grid_says_what_it_shows_and_keeps_its_pixels():
    images = pictures(6)
    html = figures.image_grid(images, "Six renders of a red bicycle", columns=3, caption="<b>two</b> rows")
    imgs = re.findall(r"<img [^>]*>", html)
    assert len(imgs) == 2  # one per row
    assert all('class="pixelated"' in img for img in imgs)
    assert all('alt="Six renders of a red bicycle' in img for img in imgs)
    first = decode_png(re.search(r'src="([^"]+)"', imgs[0]).group(1))
    np.testing.assert_array_equal(first, figures.tile(images[:3], 3, gap=1))
    assert "<figcaption><b>two</b> rows</figcaption>" in html
    for alt in ("", "Figure of things", "image: a bike"):
        with pytest.raises(ValueError, match="alt text"):
            figures.image_grid(images, alt)


def test_row_labels_name_each_row_and_must_match_the_rows():
    html = figures.image_grid(pictures(4), "Two painters' pictures", columns=2, row_labels=["GAN", "<VAE>"])
    assert '<th scope="row">GAN</th>' in html
    assert '<th scope="row">&lt;VAE&gt;</th>' in html
    assert "Two painters&#x27; pictures: GAN" in html
    with pytest.raises(ValueError, match="3 row labels for 2 rows"):
        figures.image_grid(pictures(4), "Pictures", columns=2, row_labels=["a", "b", "c"])


def test_table_escapes_text_formats_floats_and_keeps_html_as_is():
    html = figures.table(
        [("<script>", 0.5, 3, figures.measured("1.2 s"))], ["name", "share", "count", "time"], caption="A & B"
    )
    assert '<td data-label="name">&lt;script&gt;</td>' in html
    assert '<td class="painters-num" data-label="share">0.50</td>' in html
    assert '<td class="painters-num" data-label="count">3</td>' in html
    assert '<td class="painters-num" data-label="time"><span class="measured">1.2 s</span></td>' in html
    assert "<caption>A &amp; B</caption>" in html
    assert html.count("<th>") == 4
    assert "data-layout" not in html  # no sentences in it: a table on a phone too


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("3", True), ("0.50", True), ("-1.25", True), ("46%", True), ("1,024", True), ("12.5 ms", True),
        ("3.2x", True), ("8 of 8", True), ("6 (1 to 8)", True), ("0.35 × 8 = 2.80", True), (">= 0.90", True),
        ("8 1 8 6 6 4", True), ('<span class="measured">1.2 s</span>', True), ("<strong>0.71</strong>", True),
        ("GAN", False), ("", False), ("agrees", False), ("beta 4", False), ("between 1 and 4096", False),
        ("vae-beta4", False), ("seeds 0-7", False),
    ],
)  # fmt: skip
def test_a_cell_of_numbers_is_told_from_a_cell_of_words(cell, number):
    assert figures.is_number(cell) == number


def test_a_table_of_sentences_becomes_cards_on_a_phone():
    claim = "the critic's loss falls from 1.59 to 1.20, turning 2 times"
    html = figures.table([("GAN", "agrees", claim)], ["chapter", "we measured: it", "because"])
    assert html.startswith('<table data-layout="stack">')
    assert '<td data-label="because">' in html  # each card names the column it came from
    # A long row name alone does not make cards: the numbers beside it fit a phone as a table.
    steps = figures.table([("make test on a fresh clone (nothing in .cache)", "471 s")], ["what", "measured"])
    assert "data-layout" not in steps
    assert figures.table([("GAN", "0.5", "missed")], ["painter", "measured", ""], stack=True).startswith(
        '<table data-layout="stack">'
    )


def test_percent_and_measured():
    assert figures.percent(0.456) == "46%"
    assert figures.percent(1.0) == "100%"
    assert figures.measured("<1 s") == '<span class="measured">&lt;1 s</span>'
    assert isinstance(figures.measured("x"), figures.Html)


def test_an_svg_chart_is_the_same_every_build_follows_the_page_colour_and_has_ids_of_its_own():
    import matplotlib.pyplot as plt

    def chart(alt: str) -> str:
        with plt.rc_context(figures.chart_style()):
            fig, ax = plt.subplots()
            ax.plot([0, 1, 2], [1, 0, 2], label="line")
            ax.legend()
        return figures.svg_chart(fig, alt)

    a, b, other = chart("Loss falls"), chart("Loss falls"), chart("Another chart")
    assert a == b
    assert a.startswith('<figure class="painters-figure chart"><svg role="img" aria-label="Loss falls"')
    assert figures.CHART_INK not in a
    assert "currentColor" in a
    ids_a, ids_other = set(re.findall(r'id="([^"]+)"', a)), set(re.findall(r'id="([^"]+)"', other))
    assert ids_a
    assert not ids_a & ids_other  # two charts on one page never share an id
    for ref in re.findall(r"url\(#([^)]+)\)", a):
        assert ref in ids_a
    with plt.rc_context(figures.chart_style()):
        fig, _ = plt.subplots()
    assert 'class="painters-figure chart measured"' in figures.svg_chart(fig, "Timings", from_timings=True)


# --- provenance -------------------------------------------------------------------------------


def save(home, name: str, *, steps: int, minutes: float, device: str = "cpu", hardware: str = "AMD EPYC, 2 cores"):
    manifest = store.Manifest(
        name=name, family="vae", config={}, fingerprint={}, seed=0, steps=steps, wall_seconds=minutes * 60,
        hardware=hardware, device=device, torch_version=torch.__version__,
    )  # fmt: skip
    store.save_checkpoint(manifest, {"w": torch.zeros(1)}, None, home)


def test_provenance_of_one_checkpoint_names_its_training(home):
    save(home, "vae", steps=12000, minutes=3.0, hardware="<AMD> EPYC")
    line = figures.provenance(["vae"])
    assert line == (
        '<p class="provenance">checkpoint <code>vae</code>: 12,000 steps, 3.0 min on CPU (&lt;AMD&gt; EPYC)</p>'
    )  # how long its block took is on the Computation times page, not under the figure


def test_provenance_of_several_checkpoints_lists_each_and_every_machine_once(home):
    save(home, "vae", steps=100, minutes=1.5)
    save(home, "vae-beta4", steps=100, minutes=2.0)
    save(home, "vae-gpu", steps=100, minutes=0.5, device="cuda", hardware="H100")
    line = figures.provenance(["vae", "vae-beta4", "vae-gpu"])
    assert "<code>vae</code> 1.5 min, <code>vae-beta4</code> 2.0 min, <code>vae-gpu</code> 0.5 min" in line
    assert "trained on CPU (AMD EPYC, 2 cores); GPU (H100)" in line


def test_provenance_without_checkpoints_is_nothing(home):
    assert figures.provenance([]) == ""
    with pytest.raises(store.CheckpointError, match="no checkpoint 'gan'"):
        figures.provenance(["gan"])


def test_column_labels_stand_one_over_each_picture():
    html = figures.image_grid(pictures(6), "Pictures of a walk", columns=3, column_labels=["t=9", "t=5", "t=0"])
    assert '<div class="painters-columns" style="--n:3"><span>t=9</span><span>t=5</span><span>t=0</span></div>' in html
    with pytest.raises(ValueError, match="2 column labels for 3 columns"):
        figures.image_grid(pictures(6), "Pictures of a walk", columns=3, column_labels=["a", "b"])
