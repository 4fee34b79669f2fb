"""The in-browser painters in Chromium: a small stand-in site, and painting through the widget.

Shared by tests/browser/test_painters.py and scripts/bench_browser.py. `assemble` lays out a
stand-in for the built site's painter pages (the widget includes of docs/widgets/ in a bare
page that carries Material's `__config`, plus assets/painter/ as the build lays it out), so the
widget can be checked and timed without a full `mkdocs build`. `paint` drives a widget through
its own API (what the Paint button calls) and reads every panel's canvas back as pixels.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DOCS_PAINTER = ROOT / "docs" / "assets" / "painter"
WIDGETS = ROOT / "docs" / "widgets"
#: URL (relative to the site root) -> widget place, as the built site has them.
PAGES = {"": "home", "gan/": "gan", "vae/": "vae", "diffusion/": "diffusion", "autoregressive/": "autoregressive"}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{place}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
{styles}
<script id="__config" type="application/json">{{"base": "{base}"}}</script>
</head><body data-md-color-scheme="default" data-md-color-primary="deep-orange" data-md-color-accent="indigo">
<main class="md-content"><article class="md-content__inner md-typeset">
<h1>{place}</h1>
{widget}
</article></main></body></html>
"""


def stylesheets(folder: Path) -> list[str]:
    """Copy the stylesheets a built page carries into folder/assets/stylesheets/ (Material's own
    and its palette, from the installed theme, then the site's extra_css in mkdocs.yml's order)
    and return their paths relative to the site root: the widget is drawn, and its contrast
    read, in the site's colours."""
    import material

    theme = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    out = folder / "assets" / "stylesheets"
    out.mkdir(parents=True, exist_ok=True)
    sheets = []
    for pattern in ("main.*.min.css", "palette.*.min.css"):
        source = next(theme.glob(pattern))
        shutil.copyfile(source, out / source.name)
        sheets.append(f"assets/stylesheets/{source.name}")
    for name in ("extra.css", "contrast.css"):
        shutil.copyfile(ROOT / "docs" / "assets" / "stylesheets" / name, out / name)
        sheets.append(f"assets/stylesheets/{name}")
    return [*sheets[:3], "assets/painter/painter.css", *sheets[3:]]  # extra_css: extra, painter, contrast


def assemble(folder: Path, root: Path | None = None, checkpoints: Path | None = None) -> Path:
    """A stand-in site in folder: the widget pages (in Material's and the site's stylesheets)
    and assets/painter/ (JS, CSS, runtime, models)."""
    from painters.browser import bundle

    painter = folder / "assets" / "painter"
    if painter.exists():
        shutil.rmtree(painter)
    shutil.copytree(DOCS_PAINTER, painter)
    bundle.copy_into_site(folder, root, checkpoints)
    sheets = stylesheets(folder)
    cost = functools.cache(functools.partial(bundle.first_paint, root=root, checkpoints=checkpoints))
    for url, place in PAGES.items():
        page = folder / url / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        widget = bundle.fill_costs((WIDGETS / f"{place}.md").read_text(encoding="utf-8"), cost)  # as the build does
        base = "." if not url else ".."
        styles = "\n".join(f'<link rel="stylesheet" href="{base}/{sheet}">' for sheet in sheets)
        page.write_text(_PAGE.format(place=place, base=base, styles=styles, widget=widget), encoding="utf-8")
    return folder


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """folder served on 127.0.0.1 (an ephemeral port); yields the root URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


# Paint through the widget (the first time by a click on Paint, which mounts it; then through
# its API), then read every panel's canvas: {"error", "status", "panels": {family: {"state",
# "ms", "label", "pixels": [RGBA...]}}}. `knobs` sets the family's inputs by id suffix first
# (e.g. {"steps": 20}): they exist once the widget is mounted, so a first call with knobs
# paints twice. `ms` is null for a panel that did not paint in this call.
PAINT = """async ({selector, prompt, seed, draws, knobs}) => {
  const widget = document.querySelector(selector);
  const times = {};
  const listen = e => { times[e.detail.family] = e.detail.ms; };
  widget.addEventListener('painter:done', listen);
  const idle = async () => {
    const wait = () => new Promise(ok => setTimeout(ok, 50));
    for (let i = 0; i < 2400 && (!widget.painter || widget.getAttribute('aria-busy')); i++) await wait();
    if (!widget.painter) throw new Error('the widget never mounted');
  };
  let again = !!(draws || knobs);
  if (!widget.painter) {  // the first Paint, as a reader's click: mounts the widget and paints
    if (prompt != null) widget.querySelector('input[name=prompt]').value = prompt;
    if (seed != null) widget.querySelector('input[name=seed]').value = seed;
    widget.querySelector('button[type=submit]').click();
    await idle();
  } else again = true;
  for (const [name, value] of Object.entries(knobs || {})) {
    const input = document.getElementById(widget.id + '-' + name);
    if (!input) throw new Error('no knob ' + name);
    input.value = value;
  }
  if (again) await widget.painter.paint({prompt, seed, draws});
  widget.removeEventListener('painter:done', listen);
  const error = widget.querySelector('.painter-error').textContent;
  const out = {error, status: widget.querySelector('.painter-status').textContent, panels: {}};
  for (const figure of widget.querySelectorAll('.painter-panel')) {
    const canvas = figure.querySelector('canvas');
    out.panels[figure.dataset.family] = {
      state: figure.dataset.state, ms: times[figure.dataset.family] ?? null,
      label: canvas.getAttribute('aria-label'),
      pixels: Array.from(canvas.getContext('2d').getImageData(0, 0, 32, 32).data),
    };
  }
  return out;
}"""


def paint(tab: Any, family: str, prompt: str, seed: int = 0, draws: dict[str, Any] | None = None,
          knobs: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """Paint with the widget of `family` ('all' for the home page's) on the open page; the
    result of PAINT with each panel's pixels as a (32, 32, 3) uint8 array."""
    selector = f'.painter-widget[data-family="{family}"]'
    out = tab.evaluate(PAINT, {"selector": selector, "prompt": prompt, "seed": seed, "draws": draws, "knobs": knobs})
    for panel in out["panels"].values():
        panel["pixels"] = np.array(panel["pixels"], dtype=np.uint8).reshape(32, 32, 4)[..., :3]
    return out


def torch_draws(family: str, model: Any, seed: int) -> dict[str, list[float]]:
    """The random numbers torch's sampler draws for one picture with this seed, in order."""
    import torch

    from painters import canvas
    from painters.families.autoregressive import LENGTH

    g = torch.Generator().manual_seed(seed)
    c = model.config
    if family == "gan":
        return {"normal": torch.randn(1, c.z_dim, generator=g).flatten().tolist()}
    if family == "vae":
        return {"normal": torch.randn(1, c.latent_dim, generator=g).flatten().tolist()}
    if family == "diffusion":
        return {"normal": torch.randn(1, 3, canvas.SIZE, canvas.SIZE, generator=g).flatten().tolist()}
    if family == "autoregressive":
        return {"uniform": [torch.rand((1, 1), generator=g).item() for _ in range(LENGTH)]}
    raise ValueError(f"no draws for family {family!r}")
