"""The site under test: where it is, its pages, how it is served and opened in Chromium.

Shared by the tests in this folder (conftest.py holds only the fixtures). The site is one that
is already built: `make site` writes `site/`; set `PAINTERS_SITE` to check another folder.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("PAINTERS_SITE", ROOT / "site")).resolve()
ARTIFACTS = Path(os.environ.get("PAINTERS_ARTIFACTS", ROOT / "artifacts")).resolve()
SCREENSHOTS = ARTIFACTS / "screenshots"
NODE_MODULES = ROOT / "node_modules"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's own browser download fails here; Debian's Chromium needs these to run headless
# as root and quietly (no update checks, no sync, no first-run pings to Google). The resolver
# rule is a second fence behind the per-request check: no host but 127.0.0.1 even resolves, so
# a request the router does not see (a worker's, say) fails loudly in the console.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
HOST = "127.0.0.1"
#: Material's two colour schemes, as `data-md-color-scheme` names them.
SCHEMES = {"default": "light", "slate": "dark"}


def mkdocs_config() -> dict[str, Any]:
    class Loader(yaml.SafeLoader):
        pass

    def env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        """MkDocs' `!ENV VAR` or `!ENV [VAR, ..., default]`: the first variable set, else the default."""
        scalar = isinstance(node, yaml.ScalarNode)
        names = [loader.construct_scalar(node)] if scalar else loader.construct_sequence(node)
        *variables, default = names if len(names) > 1 else [*names, None]
        return next((os.environ[v] for v in variables if v in os.environ), default)

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
    Loader.add_constructor("!ENV", env)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def nav_files(nav: Any) -> Iterator[str]:
    """Every page source (Markdown, or a lab notebook) named in a (possibly nested) MkDocs nav."""
    if isinstance(nav, str):
        if not re.match(r"https?://", nav):
            yield nav
    elif isinstance(nav, list):
        for entry in nav:
            yield from nav_files(entry)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from nav_files(value)


def page_url(source: str) -> str:
    """Where MkDocs (use_directory_urls) writes docs/<source>: 'gan.md' -> 'gan/', and a lab
    notebook the same way: 'labs/gan.ipynb' -> 'labs/gan/'."""
    stem = source.removesuffix(".md").removesuffix(".ipynb")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def built_pages(site: Path = SITE) -> list[str]:
    """URL paths (relative to the site root) of every HTML page in a built site."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("assets/", "search/")):
            continue
        pages.append(rel.removesuffix("index.html"))
    return pages


def site_prefix() -> str:
    """The path the site is published under (from site_url), served here the same way."""
    url = mkdocs_config().get("site_url") or ""
    path = urlsplit(url).path.strip("/")
    return f"/{path}/" if path else "/"


def slug(page: str) -> str:
    return page.strip("/").replace("/", "__").removesuffix(".html") or "index"


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures
        pass

    def end_headers(self) -> None:
        # linkchecker allows more than 10 requests a second to a host only when the server sends
        # this header (linkcheckerrc(5), maxrequestspersecond); throttled, this site takes minutes.
        self.send_header("LinkChecker", "unthrottled")
        super().end_headers()

    def translate_path(self, path: str) -> str:
        # Serve the site under its published prefix; anything outside it is a 404.
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_head(self) -> Any:
        """Text files go out gzip-compressed when the browser accepts it, as GitHub Pages and
        any static host serve them: the weights the reader checks measure are what a reader
        downloads. (Pictures are inline PNGs in the HTML: they compress little either way.)"""
        path = Path(self.translate_path(self.path.split("?")[0].split("#")[0]))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in COMPRESSED or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


#: What a static host compresses (GitHub Pages: HTML, CSS, JavaScript, JSON, SVG, source maps).
COMPRESSED = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".map", ".xml", ".txt"}


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == HOST


@dataclass
class Visit:
    """What one load of one page at one viewport showed."""

    url: str
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    foreign: list[str] = field(default_factory=list)  # requests to any host but 127.0.0.1 (refused)
    failed: list[str] = field(default_factory=list)  # local requests that failed or answered >= 400
    facts: dict[str, Any] = field(default_factory=dict)
    screenshot: Path | None = None


def open_tab(browser: Any, viewport: str, record: Visit, **options: Any) -> tuple[Any, Any]:
    """A fresh context and tab that records errors into `record` and refuses foreign hosts."""
    size = DESKTOP if viewport == "desktop" else PHONE
    if viewport == "phone":
        options = {"is_mobile": True, "has_touch": True, **options}
    context = browser.new_context(viewport=size, **options)

    def route(r: Any) -> None:
        if is_local(r.request.url):
            r.continue_()
        else:
            record.foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("console", lambda m: m.type == "error" and record.errors.append(f"console: {m.text}"))
    tab.on("pageerror", lambda e: record.errors.append(f"uncaught: {e}"))
    tab.on("requestfailed", lambda r: is_local(r.url) and record.failed.append(f"{r.url}: {r.failure}"))
    tab.on("response", lambda r: r.status >= 400 and record.failed.append(f"{r.url}: HTTP {r.status}"))
    return context, tab


# --- one visit per page and viewport, shared by the tests ------------------------------------

# Run inside the page: make every image load (lazy ones included), then describe images and SVGs.
INSPECT = """async () => {
  const images = [...document.images];
  for (const img of images) {
    if (!img.complete) {
      img.loading = 'eager';
      img.scrollIntoView();
      await new Promise(ok => { img.onload = img.onerror = ok; setTimeout(ok, 5000); });
    }
  }
  window.scrollTo(0, 0);
  // Name an element for a reader: its figure's caption, else the heading it sits under.
  const heading = el => {
    for (let n = el; n && n !== document.body; n = n.parentElement) {
      for (let s = n.previousElementSibling; s; s = s.previousElementSibling) {
        if (/^H[1-3]$/.test(s.tagName)) return 'under "' + s.textContent.replace('\u00b6', '').trim() + '"';
      }
    }
    return el.tagName.toLowerCase();
  };
  const where = el => {
    const fig = el.closest('figure');
    const cap = fig && fig.querySelector('figcaption');
    return (cap ? cap.textContent : heading(el)).trim().slice(0, 80);
  };
  return {
    images: images.map(img => ({
      src: img.currentSrc.slice(0, 60),
      alt: img.getAttribute('alt'),
      complete: img.complete,
      width: img.naturalWidth,
      inContent: !!img.closest('.md-content'),
      where: where(img),
    })),
    svgs: [...document.querySelectorAll('.md-content svg')].map(svg => {
      const box = svg.getBoundingClientRect();
      return {
        role: svg.getAttribute('role'),
        shown: svg.checkVisibility({visibilityProperty: true}),
        width: box.width, height: box.height,
        shapes: svg.querySelectorAll('path, rect, circle, line, polyline, polygon, text, use, ellipse').length,
        where: where(svg),
      };
    }),
    labelled: [...document.querySelectorAll('.md-content [role=img]')].map(el => ({
      tag: el.tagName.toLowerCase(),
      label: el.getAttribute('aria-label')
        || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
             .map(id => (document.getElementById(id) || {}).textContent || '').join(' ')
        || (el.querySelector(':scope > title') || {}).textContent || null,
      where: where(el),
    })),
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    overflowing: [...document.querySelectorAll('body *')]
      .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                    && el.checkVisibility() && getComputedStyle(el).position !== 'fixed'
                    && !el.closest('.md-sidebar, .md-dialog, [hidden]'))
      .slice(0, 5)
      .map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
                 ? '.' + el.className.trim().split(/\\s+/).join('.') : '')),
  };
}"""

#: What the tests checked, for the closing summary: {"pages": set(), "images": int, ...}.
COUNTS: dict[str, Any] = {}


def count(name: str, n: int = 1) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + n


def set_scheme(tab: Any, scheme: str) -> str:
    """Click Material's palette toggle until the page shows `scheme`; return the background."""
    toggle = tab.locator("form[data-md-component=palette] label:visible")
    for _ in range(4):  # auto -> light -> dark -> auto
        if tab.evaluate("document.body.dataset.mdColorScheme") == scheme:
            break
        toggle.click()
    assert tab.evaluate("document.body.dataset.mdColorScheme") == scheme, f"the toggle never showed {scheme}"
    tab.wait_for_timeout(100)  # let the new palette paint
    return tab.evaluate("getComputedStyle(document.body).backgroundColor")


# --- page speed and weight (test_reader.py), written to a file and printed at the end ---------

WEIGHTS_FILE = ARTIFACTS / "page-weights.json"
#: page -> what its cold loads measured (test_reader.test_every_page_is_fast_and_light).
PAGE_WEIGHTS: dict[str, dict[str, Any]] = {}
WEIGHT_LIMITS: dict[str, Any] = {}


def write_weights(limits: dict[str, Any]) -> None:
    WEIGHT_LIMITS.update(limits)
    WEIGHTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    data = {"limits": limits, "viewport": DESKTOP, "pages": dict(sorted(PAGE_WEIGHTS.items()))}
    WEIGHTS_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def weights_table() -> list[str]:
    """The per-page table printed at the end of the run (conftest's terminal summary)."""
    if not PAGE_WEIGHTS:
        return []
    max_ms = WEIGHT_LIMITS.get("max_dcl_ms", float("inf"))
    max_kb = WEIGHT_LIMITS.get("max_kb_sent", float("inf"))
    loads = WEIGHT_LIMITS.get("loads_per_page", "?")
    lines = [f"page loads, cold cache, {DESKTOP['width']} px (median of {loads}; also in {WEIGHTS_FILE}):"]
    kinds = ("html", "css", "js", "search index", "other")
    lines.append(f"  {'page':28} {'DCL ms':>7} {'load ms':>8} {'KB sent':>8} {'KB raw':>7}   raw: " + " / ".join(kinds))
    for page, w in sorted(PAGE_WEIGHTS.items()):
        k = w["kb_raw_by_kind"]
        parts = " / ".join(f"{k.get(kind, 0):.0f}" for kind in kinds)
        over = w["dcl_ms_median"] > max_ms or w["kb_sent"] > max_kb
        numbers = f"{w['dcl_ms_median']:>7} {w['load_ms_median']:>8} {w['kb_sent']:>8.0f} {w['kb_raw']:>7.0f}"
        lines.append(f"  {page or '(home)':28} {numbers}   {parts}{'  <- over the limit' if over else ''}")
    return lines
