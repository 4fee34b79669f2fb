"""Box diagrams for the site: Unicode text sources in ``docs/diagrams/``, drawn as SVG at build.

Each diagram is kept as plain text (``docs/diagrams/<name>.txt``) so it can be read, diffed and
edited like code. At build time a page's snippet calls :func:`render_diagram`, which draws the
text with ascii2svg and returns a ``<figure>`` for markdown-exec to insert. The figure carries:

* the SVG as an ``<img>`` (a data URI, so the page needs no extra file). ascii2svg's
  ``theme="auto"`` answers ``prefers-color-scheme``; inside an ``<img>`` Chromium evaluates
  that against the element's ``color-scheme``, which Material sets to ``dark`` in its slate
  scheme, so the drawing follows the site's light/dark toggle;
* ``max-width: 100%; height: auto`` (from ``extra.css``), so it scales down on a phone. A
  diagram too wide to read at phone size also has a narrow layout,
  ``docs/diagrams/<name>_narrow.txt``, which a ``<picture>`` shows on screens under 600 px;
* a one-sentence ``alt`` text, and the text diagram itself in a visually hidden ``<pre>`` that
  the image names with ``aria-describedby``, so a screen reader can reach the full picture.
"""

from __future__ import annotations

import base64
import functools
import html
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import ascii2svg

from painters.core import paths

#: Where the text sources live: ``docs/diagrams/`` at the repository root (src layout).
DIAGRAM_DIR = paths.SOURCE_DIR / "docs" / "diagrams"


@dataclass(frozen=True)
class DiagramInfo:
    """What a reader is told about a diagram besides the drawing itself."""

    title: str  # shown as the figure caption and stored as the SVG's <title>
    summary: str  # the alt text: what the diagram says, in one or two sentences
    narrow: bool = False  # has a <name>_narrow.txt layout for phones


DIAGRAMS: dict[str, DiagramInfo] = {
    "families_map": DiagramInfo(
        title="Four families, side by side",
        summary=(
            "Four columns. GAN: z noise goes into the generator, which makes a fake image; "
            "the discriminator sees fake and real images; trained by contest. "
            "VAE: an input image goes through the encoder into a latent bottleneck and the "
            "decoder rebuilds it; trained by compression. "
            "Diffusion: pure noise is cleaned by denoiser step after step into a clean image; "
            "trained to reverse added noise. "
            "Autoregressive: from a start token the model predicts and appends one token at a "
            "time, and the tokens are decoded into an image; sequential prediction."
        ),
        narrow=True,  # two by two on a phone
    ),
    "gan_loop": DiagramInfo(
        title="The GAN loop",
        summary=(
            "Random z goes into the generator, which outputs a fake image. The fake image and "
            "real images both go into the discriminator, which answers: real or fake?"
        ),
    ),
    "vae_pipeline": DiagramInfo(
        title="The VAE pipeline",
        summary=(
            "An input image goes into the encoder, which squeezes it into a small latent z; "
            "the decoder turns latent z back into a rebuilt image."
        ),
        narrow=True,
    ),
    "diffusion_chain": DiagramInfo(
        title="The diffusion chain",
        summary=(
            "Sampling starts from pure noise x_T and goes through x_9, x_8, x_7 and many more "
            "steps down to x_1 and the clean image x_0. Early steps set the rough layout, "
            "middle steps settle large objects, late steps sharpen fine texture."
        ),
        narrow=True,
    ),
    "ar_token_loop": DiagramInfo(
        title="The autoregressive token loop",
        summary=(
            "From a start token, a transformer predicts the next token, which is appended to "
            "the sequence; while the grid is not full this repeats. When all tokens are there, "
            "a decoder turns them into the image."
        ),
        narrow=True,
    ),
}


# A fresh number for every figure drawn in this process, so that two figures on one page (or
# the same diagram twice) never share an id.
_figure_numbers = itertools.count(1)

_BACKDROP = re.compile(r'<rect width="100%" height="100%" fill="[^"]*" class="bg"/>')

#: Below this viewport width a diagram with a narrow layout shows that layout instead.
NARROW_MEDIA = "(max-width: 600px)"


def diagram_source(name: str, *, narrow: bool = False) -> str:
    """Return the Unicode text of diagram ``name`` (or of its narrow layout).

    Raises:
        ValueError: ``name`` is not one of :data:`DIAGRAMS`, or has no narrow layout.
    """
    return _source_path(name, narrow=narrow).read_text(encoding="utf-8")


def diagram_svg(name: str, *, narrow: bool = False) -> str:
    """Draw diagram ``name`` as a standalone SVG that follows the light/dark colour scheme.

    Raises:
        ValueError: unknown name, or ascii2svg found something in the text it could not draw
            cleanly (a line that stops short of a box, a box that does not close, ...).
        RuntimeError: ascii2svg's own 1:1 self-check failed.
    """
    path = _source_path(name, narrow=narrow)
    text = path.read_text(encoding="utf-8")
    svg, report = ascii2svg.render(text, theme="auto", color=True, title=DIAGRAMS[name].title)
    if report["status"] == "self_check_failed":
        raise RuntimeError(f"ascii2svg could not draw {path} exactly: {report}")
    if report["warnings"]:
        problems = "; ".join(f"line {w['source_line']} col {w['source_col']}: {w['hint']}" for w in report["warnings"])
        raise ValueError(f"diagram {name!r} ({path}) needs fixing: {problems}")
    # Drop the drawing's own backdrop so it sits on the page's colour in both schemes (the
    # dark theme's near-black would otherwise show as a box on Material's slate).
    return _BACKDROP.sub("", svg, count=1)


def render_diagram(name: str) -> str:
    """Return an HTML ``<figure>`` showing diagram ``name``, for a page to ``print``.

    Raises:
        ValueError: ``name`` is not one of :data:`DIAGRAMS`, or its text does not draw cleanly.
    """
    info = _info(name)
    wide = diagram_svg(name)
    width, height = _svg_size(wide)
    text_id = f"diagram-{name.replace('_', '-')}-{next(_figure_numbers)}"
    img = (
        f'<img src="{_data_uri(wide)}" width="{width}" height="{height}" '
        f'alt="{html.escape(info.summary)}" aria-describedby="{text_id}">'
    )
    if info.narrow:
        narrow = diagram_svg(name, narrow=True)
        n_width, n_height = _svg_size(narrow)
        img = (
            f'<picture><source media="{NARROW_MEDIA}" srcset="{_data_uri(narrow)}" '
            f'width="{n_width}" height="{n_height}">{img}</picture>'
        )
    return (
        f'<figure class="painters-diagram">{img}'
        f"<figcaption>{html.escape(info.title)}</figcaption>"
        f'<pre class="painters-sr-only" id="{text_id}">'
        f"{html.escape(diagram_source(name))}</pre>"
        f"</figure>"
    ) + _diagram_source_line(name)


def _diagram_source_line(name: str) -> str:
    """The line under a diagram: the text files it was drawn from, and by what."""
    drawn = f"Drawn at build from <code>docs/diagrams/{name}.txt</code>"
    if _info(name).narrow:
        drawn += f" (<code>{name}_narrow.txt</code> on narrow screens)"
    return f'<p class="provenance">{drawn} by ascii2svg {_ascii2svg_version()}.</p>'


@functools.cache
def _ascii2svg_version() -> str:
    from importlib.metadata import version

    return version("ascii2svg")


def _info(name: str) -> DiagramInfo:
    """Look ``name`` up, or say which diagrams exist."""
    try:
        return DIAGRAMS[name]
    except KeyError:
        known = ", ".join(sorted(DIAGRAMS))
        raise ValueError(f"unknown diagram {name!r}; known diagrams: {known}") from None


def _source_path(name: str, *, narrow: bool) -> Path:
    _info(name)
    if narrow and not _info(name).narrow:
        raise ValueError(f"diagram {name!r} has no narrow layout")
    return DIAGRAM_DIR / (f"{name}_narrow.txt" if narrow else f"{name}.txt")


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _svg_size(svg: str) -> tuple[str, str]:
    """The ``width`` and ``height`` attributes of an ascii2svg drawing (its natural size)."""
    head = svg[: svg.index(">")]
    sizes = {}
    for key in ("width", "height"):
        start = head.index(f' {key}="') + len(key) + 3
        sizes[key] = head[start : head.index('"', start)]
    return sizes["width"], sizes["height"]
