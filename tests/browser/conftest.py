"""Fixtures for the built-site checks: the site served on 127.0.0.1, Chromium, one visit per page.

These tests read a site that is already built (`make site`; `PAINTERS_SITE` names another
folder). `make check` runs them; `make test` does not collect this folder. Pages are found in
the built site itself, so a page added later is checked without touching the tests. Each page
is loaded once per viewport and the tests assert on what that visit recorded. Screenshots go to
`artifacts/screenshots/` (or `$PAINTERS_ARTIFACTS/screenshots/`), printed at the end.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from built_site import (
    CHROMIUM,
    CHROMIUM_ARGS,
    COUNTS,
    HOST,
    INSPECT,
    SCREENSHOTS,
    SITE,
    SiteHandler,
    Visit,
    built_pages,
    count,
    open_tab,
    site_prefix,
    slug,
    weights_table,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that takes `page` runs once per page of the built site."""
    if "page" in metafunc.fixturenames:
        if not (SITE / "index.html").exists():
            raise pytest.UsageError(f"no built site in {SITE}: run `make site` first (or set PAINTERS_SITE)")
        pages = built_pages()
        metafunc.parametrize("page", pages, ids=[slug(p) for p in pages])


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On a pytest-xdist worker: hand this worker's counts to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        counts = COUNTS.items()
        workeroutput["counts"] = [(k, sorted(v) if isinstance(v, set) else v, isinstance(v, set)) for k, v in counts]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the controller: add up what each worker counted (sets of names are joined)."""
    for name, value, is_set in getattr(node, "workeroutput", {}).get("counts", []):
        if is_set:
            COUNTS.setdefault(name, set()).update(value)
        else:
            COUNTS[name] = COUNTS.get(name, 0) + value


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if COUNTS.get("screenshots saved"):
        terminalreporter.write_line(f"screenshots of every page, desktop and phone: {SCREENSHOTS}")
    for name, value in COUNTS.items():
        terminalreporter.write_line(f"{name}: {len(value) if isinstance(value, set) else value}")
    for line in weights_table():
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The built site served on 127.0.0.1 (an ephemeral port), under its published prefix."""
    prefix = site_prefix()
    handler = type("Handler", (SiteHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer((HOST, 0), functools.partial(handler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_port}{prefix}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (its own browser download fails here)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise pytest.UsageError(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (or set CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Any]:
    """tab(page, viewport='desktop') -> (Playwright page, Visit), for tests that interact."""
    contexts = []

    def open_page(page: str, viewport: str = "desktop", **options: Any) -> tuple[Any, Visit]:
        record = Visit(url=base_url + page)
        context, tab = open_tab(browser, viewport, record, **options)
        contexts.append(context)
        tab.goto(record.url, wait_until="load")  # DOMContentLoaded, Material's script run: then idle
        tab.wait_for_load_state("networkidle")
        return tab, record

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def visits(browser: Any, base_url: str) -> Any:
    """visit(page, 'desktop' | 'phone') -> Visit: each page loaded once per viewport, screenshotted."""
    cache: dict[tuple[str, str], Visit] = {}

    def visit(page: str, viewport: str) -> Visit:
        if (page, viewport) in cache:
            return cache[page, viewport]
        record = Visit(url=base_url + page)
        context, tab = open_tab(browser, viewport, record)
        response = tab.goto(record.url, wait_until="load")
        tab.wait_for_load_state("networkidle")
        if response is None or response.status >= 400:
            record.failed.append(f"{record.url}: HTTP {response.status if response else '?'}")
        record.facts = tab.evaluate(INSPECT)
        record.screenshot = SCREENSHOTS / viewport / f"{slug(page)}.png"
        record.screenshot.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(record.screenshot), full_page=True, animations="disabled")
        count("screenshots saved")
        context.close()
        cache[page, viewport] = record
        return record

    return visit
