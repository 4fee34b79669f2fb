"""The in-page painter's widget: its HTML, written into docs/widgets/<place>.md for the pages to
include (`--8<--`), from a template (widget.html) and the boot script docs/assets/painter/boot.js.

The words list comes from the canvas (a test checks the files are current; `python -m painters
export --widgets` rewrites them). Nothing else is fetched until the first Paint."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from painters import canvas
from painters.core import paths
from painters.families import registry

WIDGETS_DIR = paths.SOURCE_DIR / "docs" / "widgets"
BOOT_SCRIPT = paths.SOURCE_DIR / "docs" / "assets" / "painter" / "boot.js"
#: Where each widget goes: the home page shows all four painters, a family page its own.
PLACES = ("home", "gan", "vae", "diffusion", "autoregressive")

_TEMPLATE = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True, keep_trailing_newline=True
).get_template("widget.html")


def boot_script() -> str:
    """boot.js without its comments and indentation (it rides in every page that has a widget)."""
    lines = (line.strip() for line in BOOT_SCRIPT.read_text(encoding="utf-8").splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def widget_html(place: str) -> str:
    """The HTML of one widget: hidden until its boot script runs, so without JavaScript the page
    is as it was."""
    if place not in PLACES:
        raise ValueError(f"unknown widget place {place!r}; choose one of: {', '.join(PLACES)}")
    family = "all" if place == "home" else place
    what = "all four painters" if family == "all" else f"the {registry.get(family).label} painter"
    groups = [(name, [w for words in values.values() for w in words]) for name, values in canvas.SYNONYMS.items()]
    html = _TEMPLATE.render(
        family=family,
        uid=f"painter-{place}",
        what=what,
        max_chars=canvas.MAX_PROMPT_CHARS,
        prompt=canvas.SHARED_PROMPT,
        examples=[canvas.SHARED_PROMPT, *(s.prompt for s in canvas.HELD_OUT)],
        groups=groups,
        filler=canvas.FILLER,
        boot=Markup(boot_script()),
    )
    return re.sub(r"\n+\Z", "\n", html)


def write_widgets(folder: Path = WIDGETS_DIR) -> list[Path]:
    """Write docs/widgets/<place>.md for every place."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for place in PLACES:
        path = folder / f"{place}.md"
        path.write_text(widget_html(place), encoding="utf-8")
        written.append(path)
    return written
