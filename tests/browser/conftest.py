"""The built site as a reader's browser sees it: served on 127.0.0.1, driven by Chromium.

These tests read a site that is already built (`make site` writes `site/`; set `PAINTERS_SITE`
to check another folder). `make check` runs them; `make test` does not collect this folder.

Pages are discovered from the built site itself (every HTML page but the search and asset
folders), and every page in `mkdocs.yml`'s nav must be among them, so a page added later is
checked without touching these tests. Each page is loaded once per viewport; the tests then
assert on what that visit recorded. Screenshots go to `artifacts/screenshots/` (or
`$PAINTERS_ARTIFACTS/screenshots/`), printed at the end of the run.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("PAINTERS_SITE", ROOT / "site")).resolve()
ARTIFACTS = Path(os.environ.get("PAINTERS_ARTIFACTS", ROOT / "artifacts")).resolve()
SCREENSHOTS = ARTIFACTS / "screenshots"
NODE_MODULES = ROOT / "node_modules"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's own browser download fails here; Debian's Chromium needs these to run headless
# as root and quietly (no update checks, no sync, no first-run pings to Google).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
HOST = "127.0.0.1"


def mkdocs_config() -> dict[str, Any]:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
    Loader.add_multi_constructor("!ENV", lambda *_: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def nav_files(nav: Any) -> Iterator[str]:
    """Every Markdown file named in a (possibly nested) MkDocs nav."""
    if isinstance(nav, str):
        if not re.match(r"https?://", nav):
            yield nav
    elif isinstance(nav, list):
        for entry in nav:
            yield from nav_files(entry)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from nav_files(value)


def page_url(markdown: str) -> str:
    """Where MkDocs (use_directory_urls) writes docs/<markdown>: 'gan.md' -> 'gan/'."""
    stem = markdown.removesuffix(".md")
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


# --- collection: one test per page -----------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page" in metafunc.fixturenames:
        if not (SITE / "index.html").exists():
            raise pytest.UsageError(f"no built site in {SITE}: run `make site` first (or set PAINTERS_SITE)")
        pages = built_pages()
        metafunc.parametrize("page", pages, ids=[slug(p) for p in pages])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCREENSHOTS.exists():
        count = sum(1 for _ in SCREENSHOTS.rglob("*.png"))
        terminalreporter.write_line(f"screenshots ({count}): {SCREENSHOTS}")
    for line in REPORT:
        terminalreporter.write_line(line)


#: Counts the tests add for the closing summary (pages, images, links checked, ...).
REPORT: list[str] = []


@pytest.fixture(scope="session")
def report() -> list[str]:
    return REPORT


# --- the server ------------------------------------------------------------------------------


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures
        pass

    def translate_path(self, path: str) -> str:
        # Serve the site under its published prefix; anything outside it is a 404.
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix) :])


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The built site served on 127.0.0.1 (an ephemeral port), under its published prefix."""
    prefix = site_prefix()
    handler = type("Handler", (_SiteHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer((HOST, 0), functools.partial(handler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_port}{prefix}"
    server.shutdown()
    server.server_close()


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise pytest.UsageError(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (or set CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Any]:
    """tab(page, viewport='desktop') -> (Playwright page, Visit) for tests that interact."""
    contexts = []

    def open_page(page: str, viewport: str = "desktop", **options: Any) -> tuple[Any, Visit]:
        record = Visit(url=base_url + page)
        context, tab = open_tab(browser, viewport, record, **options)
        contexts.append(context)
        tab.goto(record.url, wait_until="networkidle")
        return tab, record

    yield open_page
    for context in contexts:
        context.close()


# --- one visit per page and viewport, shared by the tests ------------------------------------

# Run inside the page: make every image load (lazy ones included), then describe images and SVGs.
_INSPECT = """async () => {
  const images = [...document.images];
  for (const img of images) {
    if (!img.complete) {
      img.loading = 'eager';
      img.scrollIntoView();
      await new Promise(ok => { img.onload = img.onerror = ok; setTimeout(ok, 5000); });
    }
  }
  window.scrollTo(0, 0);
  const where = el => {
    const fig = el.closest('figure');
    const cap = fig && fig.querySelector('figcaption');
    return (cap ? cap.textContent : (el.closest('[id]') || {}).id || el.tagName).trim().slice(0, 80);
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
                    && el.checkVisibility() && !el.closest('.md-sidebar, [hidden]'))
      .slice(0, 5)
      .map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
                 ? '.' + el.className.trim().split(/\\s+/).join('.') : '')),
  };
}"""


@pytest.fixture(scope="session")
def visits(browser: Any, base_url: str) -> Any:
    """visit(page, 'desktop' | 'phone') -> Visit, loading each page once per viewport."""
    cache: dict[tuple[str, str], Visit] = {}

    def visit(page: str, viewport: str) -> Visit:
        key = (page, viewport)
        if key in cache:
            return cache[key]
        record = Visit(url=base_url + page)
        context, tab = open_tab(browser, viewport, record)
        response = tab.goto(record.url, wait_until="networkidle")
        if response is None or (response.status >= 400 and not page.endswith("404.html")):
            record.failed.append(f"{record.url}: HTTP {response.status if response else '?'}")
        record.facts = tab.evaluate(_INSPECT)
        record.screenshot = SCREENSHOTS / viewport / f"{slug(page)}.png"
        record.screenshot.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(record.screenshot), full_page=True, animations="disabled")
        context.close()
        cache[key] = record
        return record

    return visit


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
