"""Figures for the pages: image grids, tables and charts, returned as HTML strings.

Snippets print what these return (markdown-exec captures only the block's own prints). Every
figure carries alt text that says what it shows, and is byte-identical from one build to the
next: PNGs are written without timestamps, SVG charts with a fixed hash salt and no date.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import logging
import math
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from painters import world

# One look across the site: the four painters always wear the same colours.
FAMILY_COLOURS = {
    "real": "#6b7280",
    "gan": "#d97706",
    "vae": "#7c3aed",
    "diffusion": "#0891b2",
    "autoregressive": "#db2777",
}


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


def tile(images: np.ndarray, columns: int, gap: int = 1, background: int = 255) -> np.ndarray:
    """Lay (N, h, w, 3) images out in rows of `columns`, `gap` pixels apart."""
    n, h, w, _ = images.shape
    rows = math.ceil(n / columns)
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap, 3), background, dtype=np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = image
    return out


def image_grid(
    images: np.ndarray,
    alt: str,
    *,
    columns: int = 8,
    caption: str | None = None,
    width: int | None = None,
) -> str:
    """A grid of 32x32 images as one pixelated <img> in a <figure>, with alt text."""
    if not alt or alt.lower().startswith(("figure", "image")):
        raise ValueError("alt text must say what the figure shows")
    picture = tile(images, columns)
    css_width = width or picture.shape[1] * 4
    img = (
        f'<img class="pixelated" src="{png_data_uri(picture)}" alt="{html.escape(alt)}" '
        f'width="{picture.shape[1]}" height="{picture.shape[0]}" '
        f'style="width:{css_width}px;max-width:100%;height:auto">'
    )
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="painters-figure">{img}{cap}</figure>'


def table(rows: Sequence[Sequence[object]], header: Sequence[str], *, caption: str | None = None) -> str:
    """A plain HTML table; floats are shown with 2 decimals, everything else as str()."""

    def cell(v: object) -> str:
        if isinstance(v, Html):
            return str(v)
        if isinstance(v, float):
            return f"{v:.2f}"
        return html.escape(str(v))

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(alt)}" class="chart" ', 1)
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


def scene_label(scene: world.Scene) -> str:
    return f"{scene.colour} {scene.object}, {scene.place}, {scene.time}"


def provenance(
    checkpoint: str | Sequence[str] | None, seed: int | None, started: float, *, source: str | None = None
) -> str:
    """A one-line caption under a figure: which checkpoint(s) (training time, hardware) or which
    source it was drawn from, which seed, and how long its block took in this build.

    `started` is time.perf_counter() taken at the top of the snippet.
    """
    from painters import store

    parts = []
    names = [checkpoint] if isinstance(checkpoint, str) else list(checkpoint or [])
    manifests = [store.read_manifest(name) for name in names]
    if len(manifests) == 1:
        m = manifests[0]
        parts.append(
            f"checkpoint <code>{html.escape(m.name)}</code>: {m.steps:,} steps, "
            f"{m.wall_seconds / 60:.1f} min on {_where(m)} ({html.escape(m.hardware)})"
        )
    elif manifests:
        each = ", ".join(f"<code>{html.escape(m.name)}</code> {m.wall_seconds / 60:.1f} min" for m in manifests)
        hardware = sorted({f"{_where(m)} ({m.hardware})" for m in manifests})
        parts.append(f"checkpoints {each}, trained on {html.escape('; '.join(hardware))}")
    if source:
        parts.append(source)
    if seed is not None:
        parts.append(f"seed {seed}")
    parts.append(f"computed in {measured(f'{time.perf_counter() - started:.1f} s')} at build")
    return '<p class="provenance">' + " · ".join(parts) + "</p>"


def _where(manifest: Any) -> str:
    return "GPU" if manifest.device == "cuda" else "CPU"


# --- timing every executed block of a build -----------------------------------------------------

# snippet path -> seconds its block took in the latest build (the process-wide record of a build)
BLOCK_SECONDS: dict[str, float] = {}

#: Set by the mkdocs hooks under `mkdocs serve` only: a block whose code and inputs have not
#: changed since it last ran in this server is shown again instead of run again (see _reuse_key).
#: A `mkdocs build` runs every block, every time.
REUSE_BLOCKS = False
_REUSED: dict[str, tuple[str, float]] = {}  # key -> (the block's HTML, the seconds it took then)


def timed_formatter(source: str, language: str, css_class: str, options: dict[str, Any], md: Any, **kwargs: Any) -> str:
    """markdown-exec's fence formatter, timed: mkdocs.yml routes every python fence through here.

    Every executed block is recorded in BLOCK_SECONDS under the snippet file it includes, for
    the "Computation times" page (the last page of the build, so it sees every other block).
    Only executed blocks get here: markdown-exec's validator turns the others away (and takes
    `exec` out of the options, so it cannot be read here).
    """
    from markdown_exec import formatter

    key = _reuse_key(source, language, options) if REUSE_BLOCKS else None
    if key is not None and key in _REUSED:
        output, seconds = _REUSED[key]
        BLOCK_SECONDS[_snippet_of(source)] = seconds  # what the block costs, not what reuse did
        return output
    warnings = _Warnings()
    loggers = [logging.getLogger(name) for name in ("markdown_exec", "mkdocs.plugins.markdown_exec")]
    for logger in loggers:
        logger.addHandler(warnings)
    start = time.perf_counter()
    try:
        output = str(formatter(source, language, css_class, options, md, **kwargs))
    finally:
        seconds = BLOCK_SECONDS[_snippet_of(source)] = time.perf_counter() - start
        for logger in loggers:
            logger.removeHandler(warnings)
    # Kept only if it ran cleanly (a failed block logs a warning, and must say so again next
    # time) and printed no heading (headings also feed the page's table of contents).
    if key is not None and not warnings.seen and not re.search(r"<h[1-6]\b", output):
        _REUSED[key] = (output, seconds)
    return output


class _Warnings(logging.Handler):
    """Notices whether markdown-exec logged a warning (it does when a block fails)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def _reuse_key(source: str, language: str, options: dict[str, Any]) -> str | None:
    """What decides a block's output under `mkdocs serve`: its code and options, and every file a
    block reads besides the package (the checkpoints' manifests, the committed benchmark
    results, the diagram sources). An edit to the package itself drops this module, and with it
    every kept output (mkdocs_hooks.reload_changed_package). The Computation times block reads
    this build's record, so it always runs."""
    from painters import diagrams, store

    if "computation_times(" in source:
        return None
    digest = hashlib.sha256(repr((source, language, sorted(map(str, options.items())))).encode())
    inputs = ((store.CHECKPOINTS, "*.json"), (store.REPO_DIR / "benchmarks", "*.json"), (diagrams.DIAGRAM_DIR, "*.txt"))
    for folder, pattern in inputs:
        for path in sorted(folder.glob(pattern)):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()


def _snippet_texts() -> dict[str, str]:
    """{snippet's text: its path} for every file in snippets/, read again when one changes."""
    from painters import store

    files = sorted((store.REPO_DIR / "snippets").rglob("*.py"))
    return _snippet_texts_of(tuple((p, p.stat().st_mtime_ns) for p in files))


@functools.lru_cache(maxsize=1)
def _snippet_texts_of(files: tuple[tuple[Path, int], ...]) -> dict[str, str]:
    from painters import store

    return {p.read_text(encoding="utf-8").strip(): str(p.relative_to(store.REPO_DIR)) for p, _ in files}


def _snippet_of(source: str) -> str:
    return _snippet_texts().get(source.strip(), "inline block: " + source.strip().splitlines()[0][:60])


def computation_times() -> str:
    """A table of every executed block of this build, slowest first, with the total."""
    rows = sorted(BLOCK_SECONDS.items(), key=lambda item: -item[1])
    total = sum(BLOCK_SECONDS.values())
    body: list[tuple[object, ...]] = [
        (name, measured(f"{seconds:.2f} s"), measured(percent(seconds / total)) if total else "-")
        for name, seconds in rows
    ]
    body.append(("all blocks", measured(f"{total:.2f} s"), "100%"))
    return table(body, ["block", "time", "share"])
