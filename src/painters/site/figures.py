"""Figures for the pages: image grids, tables and charts, returned as HTML strings.

Snippets print what these return (markdown-exec captures only the block's own prints). Every
figure carries alt text that says what it shows, and is byte-identical from one build to the
next: PNGs are written without timestamps, SVG charts with a fixed hash salt and no date.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from painters.canvas.png import tile
from painters.families import registry

# One look across the site: every painter always wears its registry colour; real renders grey.
FAMILY_COLOURS = {"real": "#6b7280", **{name: f.colour for name, f in registry.FAMILIES.items() if f.paints}}


class Html(str):
    """Text that is already HTML: table() puts it in a cell as is, without escaping."""


def measured(text: str) -> Html:
    """Mark a wall-clock time measured during this build: it honestly differs from one build to
    the next, and the determinism check skips what is marked so."""
    return Html(f'<span class="measured">{html.escape(text)}</span>')


def png_data_uri(image: np.ndarray) -> str:
    """A uint8 (H, W, 3) array as an inline PNG data URI (deterministic bytes)."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


#: A grid whose rows are wider than this (in the pictures' own pixels) is drawn at 2x on a wide
#: screen too: at 3x, eight pictures and their labels would not fit Material's text column.
WIDE_GRID = 224


def image_grid(
    images: np.ndarray,
    alt: str,
    *,
    columns: int = 8,
    caption: str | None = None,
    row_labels: Sequence[str] | None = None,
    column_labels: Sequence[str] | None = None,
) -> str:
    """A grid of 32x32 pictures, pixels kept crisp, with alt text.

    Each row is one image drawn at a whole-number scale (3x on a wide screen, 2x for a row wider
    than WIDE_GRID pixels and on a phone; the stylesheet reads --w, the row's width in pixels):
    a grid wider than the page scrolls sideways, with a cue at the edge, instead of shrinking
    its pixels away. With row_labels, each row names what it is (a painter, a prompt) beside it,
    and the alt text says it too; column_labels (one per column) stand each over its picture.
    The grid's labels are kept out of the search index.
    """
    if not alt or alt.lower().startswith(("figure", "image")):
        raise ValueError("alt text must say what the figure shows")
    n_rows = math.ceil(len(images) / columns)
    if row_labels is not None and len(row_labels) != n_rows:
        raise ValueError(f"{len(row_labels)} row labels for {n_rows} rows")
    rows = []
    widest = 0
    for r in range(n_rows):
        picture = tile(images[r * columns : (r + 1) * columns], columns, gap=1)
        widest = max(widest, picture.shape[1])
        label = row_labels[r] if row_labels is not None else None
        row_alt = f"{alt}: {label}" if label else (alt if n_rows == 1 else f"{alt}, row {r + 1} of {n_rows}")
        img = (
            f'<img class="pixelated" src="{png_data_uri(picture)}" alt="{html.escape(row_alt)}" '
            f'width="{picture.shape[1]}" height="{picture.shape[0]}" style="--w:{picture.shape[1]}px">'
        )
        head = f'<th scope="row">{html.escape(label)}</th>' if label is not None else ""
        rows.append(f"<tr>{head}<td>{img}</td></tr>")
    top = ""
    if column_labels is not None:
        if len(column_labels) != columns:
            raise ValueError(f"{len(column_labels)} column labels for {columns} columns")
        corner = "<td></td>" if row_labels is not None else ""
        # One label over each picture: a grid of as many equal columns as the row has pictures,
        # as wide as the row's image (the stylesheet reads --n).
        names = "".join(f"<span>{html.escape(label)}</span>" for label in column_labels)
        labels = f'<div class="painters-columns" style="--n:{columns}">{names}</div>'
        top = f"<thead><tr>{corner}<td>{labels}</td></tr></thead>"
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    kind = "painters-grid painters-scroll" + (" painters-grid--wide" if widest > WIDE_GRID else "")
    body = f'<table class="painters-rows">{top}<tbody>{"".join(rows)}</tbody></table>'
    # A box that may scroll sideways takes keyboard focus (arrow keys scroll it) and names itself.
    focus = f'tabindex="0" role="region" aria-label="{html.escape(alt)}"'
    grid = f'<div class="{kind}" {focus} data-search-exclude>{body}</div>'
    return f'<figure class="painters-figure">{grid}{cap}</figure>'


def table(
    rows: Sequence[Sequence[object]],
    header: Sequence[str],
    *,
    caption: str | None = None,
    searchable: bool = False,
    stack: bool | None = None,
) -> str:
    """A plain HTML table; floats are shown with 2 decimals, everything else as str().

    Its header and rows are kept out of the site's search index unless searchable=True (its
    caption stays): a search for an idea should land on the prose that explains it, not on a
    table of numbers whose column names it ("Frechet distance", "DDIM steps").

    Laid out to be read in the text column at any width (the stylesheet does the rest): a cell
    that holds a number (with its unit) is marked `painters-num` and stays on one line, while
    words wrap; every cell names its column (`data-label`); and a table with sentences in it
    (a cell of STACK_WORDS words or more, past the row's name) is marked `data-layout="stack"`:
    on a phone each row becomes a card, every cell under its column's name, instead of a table
    wider than the screen. stack=True asks for cards whatever the cells hold (a table whose last
    column, its verdict, would otherwise scroll out of a phone's view), stack=False never."""

    def cell(v: object) -> str:
        if isinstance(v, Html):
            return str(v)
        if isinstance(v, float):
            return f"{v:.2f}"
        return html.escape(str(v))

    cells = [[cell(v) for v in row] for row in rows]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)

    def td(text: str, column: int) -> str:
        label = f' data-label="{html.escape(header[column])}"' if column < len(header) and header[column] else ""
        number = ' class="painters-num"' if is_number(text) else ""
        return f"<td{number}{label}>{text}</td>"

    body = "".join("<tr>" + "".join(td(c, i) for i, c in enumerate(row)) + "</tr>" for row in cells)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    exclude = "" if searchable else " data-search-exclude"  # the header and the body: the caption stays
    if stack is None:  # sentences past the row's name (which may be long: it wraps)
        stack = any(len(_plain(c).split()) >= STACK_WORDS for row in cells for c in row[1:])
    layout = ' data-layout="stack"' if stack else ""
    return f"<table{layout}>{cap}<thead{exclude}><tr>{head}</tr></thead><tbody{exclude}>{body}</tbody></table>"


#: A table with a cell of this many words is prose, read row by row: a card per row on a phone.
STACK_WORDS = 8

# One number: signs, digits, separators, and a unit or a multiplier stuck to it ("12%", "3.5x").
_NUMBER = re.compile(r"[-+−~≈<>≤≥(]*\d[\d.,]*(?:%|x|×)?\)?,?")
# What may stand between or after numbers in one cell: "0.35 × 8 = 2.80", "3 of 8", "12.5 ms".
_JOINERS = {"×", "=", "/", "±", "-", "–", "to", "of", "<=", ">=", "<", ">", "x", "s", "ms", "µs", "min", "KB", "MB",
            "GB", "px", "nat", "nats", "bits"}  # fmt: skip


def _plain(cell_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", cell_html)).strip()


def is_number(cell_html: str) -> bool:
    """Whether a cell holds a number, or a few joined by signs and units (it stays on one line)."""
    words = _plain(cell_html).split()
    if not words or len(words) > 6:
        return False
    return any(_NUMBER.fullmatch(w) for w in words) and all(_NUMBER.fullmatch(w) or w in _JOINERS for w in words)


def percent(x: float) -> str:
    return f"{100 * x:.0f}%"


def svg_chart(figure: object, alt: str, *, from_timings: bool = False) -> str:
    """A matplotlib figure as inline SVG (no date, fixed ids), closed afterwards.

    Chart text is drawn in currentColor, so it takes the page's text colour in light and dark
    mode. from_timings=True marks a chart drawn from build-time timings (see measured())."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "painters", "svg.fonttype": "none"}):
        no_metadata = {"Date": None, "Creator": None, "Format": None, "Type": None}
        figure.savefig(buffer, format="svg", metadata=no_metadata, bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :].replace(CHART_INK, "currentColor")
    # matplotlib numbers its ids from 1 in every file: prefix them so two charts on a page differ.
    prefix = "c" + hashlib.sha256(alt.encode()).hexdigest()[:8] + "-"
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    # data-search-exclude: tick labels and legends stay out of the search index (the alt text says it)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(alt)}" class="chart" data-search-exclude ', 1)
    return f'<figure class="painters-figure chart{" measured" if from_timings else ""}">{svg}</figure>'


CHART_INK = "#888888"  # replaced by currentColor in the SVG: the page's own text colour


def chart_style() -> dict[str, object]:
    """Matplotlib settings for a chart that reads on a light and a dark page alike."""
    grey = CHART_INK
    return {
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.facecolor": "none",
        "axes.edgecolor": grey,
        "axes.labelcolor": grey,
        "xtick.color": grey,
        "ytick.color": grey,
        "text.color": grey,
        "legend.frameon": False,
        "font.size": 14,  # charts shrink to a 375 px phone: small text would blur below 4.5:1
        "axes.linewidth": 1.5,
        "lines.linewidth": 2.0,
        "font.family": "sans-serif",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def provenance(checkpoints: Sequence[str]) -> str:
    """A one-line caption under a figure: the checkpoints it was drawn from (training time and
    machine). The fence formatter (blocks.py) adds it under every executed block that read a
    checkpoint, so snippets show the idea and not this plumbing; how long each block took at
    build is on the Computation times page, not under the figure."""
    from painters.checkpoints import store

    manifests = [store.read_manifest(name) for name in checkpoints]
    if not manifests:
        return ""
    if len(manifests) == 1:
        m = manifests[0]
        text = (
            f"checkpoint <code>{html.escape(m.name)}</code>: {m.steps:,} steps, "
            f"{m.wall_seconds / 60:.1f} min on {_where(m)} ({html.escape(m.hardware)})"
        )
    else:
        each = ", ".join(f"<code>{html.escape(m.name)}</code> {m.wall_seconds / 60:.1f} min" for m in manifests)
        hardware = sorted({f"{_where(m)} ({m.hardware})" for m in manifests})
        text = f"checkpoints {each}, trained on {html.escape('; '.join(hardware))}"
    return f'<p class="provenance">{text}</p>'


def _where(manifest: Any) -> str:
    return "GPU" if manifest.device == "cuda" else "CPU"


def ring_picture(plain: Any, fixed: Any) -> str:
    """Both runs' final samples over the real blobs, side by side; the points are drawn as one
    raster image inside the SVG (a few kilobytes), the axes and words as text."""
    import matplotlib.pyplot as plt

    from painters.measure.ring import MODES

    with plt.rc_context(chart_style()):  # type: ignore[arg-type]
        fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.6), sharex=True, sharey=True)
        for ax, run, name in zip(axes, (plain, fixed), ("plain", "R1 penalty"), strict=True):
            ax.scatter(*run.real[:512].T, s=28, color=FAMILY_COLOURS["real"], alpha=0.35, rasterized=True,
                       label="real", linewidths=0)  # fmt: skip
            ax.scatter(*run.samples[:512].T, s=6, color=FAMILY_COLOURS["gan"], rasterized=True,
                       label="generated", linewidths=0)  # fmt: skip
            ax.set_title(f"{name}: {run.coverage} of {MODES} blobs", fontsize=14)
            ax.set_aspect("equal")
            ax.set_xticks([-2, 0, 2])
            ax.set_yticks([-2, 0, 2])
        axes[0].legend(loc="upper center", bbox_to_anchor=(1.1, -0.12), ncols=2, markerscale=2)
    alt = (
        f"Seed {plain.seed}: the plain GAN's samples cover {plain.coverage} of the {MODES} real blobs, "
        f"the GAN with the R1 penalty covers {fixed.coverage}"
    )
    return svg_chart(fig, alt=alt)
