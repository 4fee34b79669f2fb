"""Box diagrams: every source draws cleanly, arrows point the right way, figures are accessible."""

import base64
import html
import re

import ascii2svg
import pytest

from painters.site.diagrams import DIAGRAM_DIR, DIAGRAMS, diagram_source, diagram_svg, render_diagram

LAYOUTS = [(name, False) for name in DIAGRAMS] + [(n, True) for n, i in DIAGRAMS.items() if i.narrow]


def layout_id(layout):
    return f"{layout[0]}{'_narrow' if layout[1] else ''}"


def test_every_source_has_an_entry_and_every_entry_a_source():
    assert {p.stem for p in DIAGRAM_DIR.glob("*.txt")} == {layout_id(lay) for lay in LAYOUTS}


@pytest.mark.parametrize("layout", LAYOUTS, ids=layout_id)
def test_source_uses_drawable_arrowheads(layout):
    name, narrow = layout
    text = diagram_source(name, narrow=narrow)
    # No converter draws U+2192 as an arrowhead; ▶ ◀ ▲ ▼ are drawn.
    assert "\u2192" not in text
    assert "\t" not in text


@pytest.mark.parametrize("layout", LAYOUTS, ids=layout_id)
def test_draws_without_warnings(layout):
    name, narrow = layout
    svg = diagram_svg(name, narrow=narrow)
    assert svg.startswith("<svg")
    assert f"<title>{html.escape(DIAGRAMS[name].title)}</title>" in svg
    assert "prefers-color-scheme:dark" in svg  # follows the light/dark scheme
    assert 'class="bg"' not in svg  # transparent: the page's own background shows through


def edges(name, narrow=False):
    _, report = ascii2svg.render(diagram_source(name, narrow=narrow), describe=True)
    return {
        (e["from"].get("name", e["from"].get("text")), e["to"].get("name", e["to"].get("text")))
        for e in report["diagram"]["edges"]
    }


def test_gan_loop_reads_the_way_a_gan_trains():
    # The flattened lesson routed z straight to the discriminator; the true flow is this.
    assert edges("gan_loop") == {
        ("random z", "generator"),
        ("generator", "discriminator"),
        ("real images", "discriminator"),
        ("discriminator", "real or fake?"),
    }


@pytest.mark.parametrize("narrow", [False, True])
def test_vae_pipeline(narrow):
    assert edges("vae_pipeline", narrow) == {
        ("input image", "encoder"),
        ("encoder", "latent z"),
        ("latent z", "decoder"),
        ("decoder", "rebuilt image"),
    }


@pytest.mark.parametrize("narrow", [False, True])
def test_ar_token_loop_repeats_then_decodes(narrow):
    assert edges("ar_token_loop", narrow) == {
        ("start token", "transformer predicts"),
        ("transformer predicts", "append token"),
        ("append token", "transformer predicts"),
        ("append token", "decoder"),
        ("decoder", "image"),
    }


@pytest.mark.parametrize("narrow", [False, True])
def test_diffusion_chain_runs_from_noise_to_clean_image(narrow):
    chain = edges("diffusion_chain", narrow)
    assert ("x_T", "x_9") in chain
    assert ("x_1", "x_0") in chain
    assert all(a != "x_0" for a, _ in chain)


def column(name, index, *, narrow=False, rows=slice(3, -1)):
    lines = diagram_source(name, narrow=narrow).splitlines()[rows]
    cells = [line.split("│")[index + 1].strip() for line in lines if line.startswith("│")]
    return [cell for cell in cells if cell and cell != "│"]


GAN_COLUMN = [
    "z noise", "▼", "generator", "▼", "fake image", "▼", "discriminator", "▲", "real image",
    "train by contest",
]  # fmt: skip


def test_families_map_gan_column_reads_top_to_bottom():
    # The flattened lesson lost this column; it must read z -> generator -> fake image ->
    # discriminator <- real image.
    assert column("families_map", 0) == GAN_COLUMN
    assert column("families_map", 0, narrow=True, rows=slice(3, 18)) == GAN_COLUMN


@pytest.mark.parametrize("index", range(4))
def test_narrow_families_map_says_what_the_wide_one_says(index):
    wide = column("families_map", index, rows=slice(1, -1))
    top, bottom = slice(1, 18), slice(19, -1)
    narrow = column("families_map", index % 2, narrow=True, rows=top if index < 2 else bottom)
    assert narrow == wide


def test_narrow_layout_is_shown_on_phones():
    figure = render_diagram("families_map")
    assert '<picture><source media="(max-width: 600px)" srcset="data:image/svg+xml;base64,' in figure
    with pytest.raises(ValueError, match="'gan_loop' has no narrow layout"):
        diagram_source("gan_loop", narrow=True)


def test_figure_is_accessible_and_scales():
    figure = render_diagram("gan_loop")
    img = re.search(r"<img [^>]*>", figure)
    assert img is not None
    tag = img.group(0)
    assert 'alt="Random z goes into the generator' in tag
    described_by = re.search(r'aria-describedby="([^"]+)"', tag).group(1)
    pre = re.search(rf'<pre class="painters-sr-only" id="{described_by}">(.*?)</pre>', figure, re.S)
    assert pre is not None
    assert html.unescape(pre.group(1)) == diagram_source("gan_loop")
    assert "<figcaption>The GAN loop</figcaption>" in figure
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', tag).group(1))
    assert svg.decode().startswith("<svg")
    width = re.search(r'width="(\d+)"', tag).group(1)
    assert f'width="{width}"' in svg.decode()


def test_two_figures_never_share_an_id():
    ids = re.findall(r'id="([^"]+)"', render_diagram("vae_pipeline") + render_diagram("vae_pipeline"))
    assert len(ids) == len(set(ids)) == 2


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown diagram 'gan'; known diagrams: ar_token_loop, .*vae_pipeline"):
        render_diagram("gan")


def test_a_broken_source_fails_loudly(monkeypatch, tmp_path):
    (tmp_path / "gan_loop.txt").write_text("┌────┐\n│ a  │ ──▶ │ b │\n└────┘\n", encoding="utf-8")
    monkeypatch.setattr("painters.site.diagrams.DIAGRAM_DIR", tmp_path)
    with pytest.raises(ValueError, match=r"gan_loop.*needs fixing"):
        render_diagram("gan_loop")


def test_every_diagram_carries_its_provenance():
    figure = render_diagram("vae_pipeline")
    caption = re.search(r'</figure><p class="provenance">(.*?)</p>$', figure)
    assert caption is not None, figure[-300:]
    assert "<code>docs/diagrams/vae_pipeline.txt</code>" in caption.group(1)
    assert "<code>vae_pipeline_narrow.txt</code> on narrow screens" in caption.group(1)
    assert caption.group(1).startswith("Drawn at build from ")
    assert re.search(r"by ascii2svg \d+\.\d+", caption.group(1))
