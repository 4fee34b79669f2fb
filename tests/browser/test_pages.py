"""Every page of the built site, loaded in Chromium on a desktop and on a phone.

Each page must: load every image (naturalWidth > 0) and draw every SVG it shows; log no
console error and throw nothing; ask nothing of any host but 127.0.0.1; fit a 375 px phone
without scrolling sideways; give every figure alt text that says what it shows; and open its
collapsible answers on a click. Screenshots of each page at both widths are saved for people.
"""

from __future__ import annotations

import re

import pytest
from built_site import COUNTS, DESKTOP, PHONE, ROOT, SITE, built_pages, count, mkdocs_config, nav_files, page_url
from PIL import Image

VIEWPORTS = ["desktop", "phone"]

# Alt text that names the kind of thing instead of what it shows.
GENERIC_ALT = re.compile(
    r"^(an? |the )?(figure|fig|image|img|picture|pic|photo|diagram|chart|graph|plot|screenshot|icon|"
    r"logo|grid|samples?|untitled)\b[\s.:#_-]*\d*[a-z]?$",
    re.IGNORECASE,
)
FILENAME_ALT = re.compile(r"\.(png|jpe?g|gif|svg|webp)$|^data:", re.IGNORECASE)


def alt_problem(text: str | None) -> str | None:
    """Why an alt text (or ARIA label) does not say what a figure shows; None if it does."""
    if text is None:
        return "no alt text"
    text = " ".join(text.split())
    if not text:
        return "empty alt text"
    if GENERIC_ALT.match(text) or FILENAME_ALT.search(text):
        return f"alt text {text!r} names the kind of thing, not what it shows"
    if len(text.split()) < 3:
        return f"alt text {text!r} is too short to say what it shows"
    return None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Sixteen renders of a red bicycle parked on a beach at sunset", True),
        ("GAN samples after 5,000 steps: eight bicycles, all red", True),
        (None, False),
        ("", False),
        ("   ", False),
        ("Figure 1", False),
        ("figure", False),
        ("image", False),
        ("Diagram 3b", False),
        ("grid.png", False),
        ("a chart", False),
        ("red bike", False),
    ],
)
def test_alt_text_rule(text, ok):
    assert (alt_problem(text) is None) == ok


def test_every_nav_page_was_built():
    built = set(built_pages())
    missing = [f for f in nav_files(mkdocs_config()["nav"]) if page_url(f) not in built]
    assert not missing, f"pages in mkdocs.yml's nav but not in {SITE}: {missing} (stale site? run `make site`)"
    assert len(built) >= 2


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_images_and_svgs_load(visits, page, viewport):
    visit = visits(page, viewport)
    facts = visit.facts
    broken = [f"{i['where']!r} ({i['src']}...)" for i in facts["images"] if not i["complete"] or i["width"] == 0]
    assert not broken, f"{visit.url} at {viewport}: images that did not load: {broken}"
    empty = [
        f"{s['where']!r} ({s['width']:.0f}x{s['height']:.0f}, {s['shapes']} shapes)"
        for s in facts["svgs"]
        if s["shown"] and (s["width"] < 1 or s["height"] < 1 or s["shapes"] == 0)
    ]
    assert not empty, f"{visit.url} at {viewport}: SVGs shown empty: {empty}"
    assert not visit.failed, f"{visit.url} at {viewport}: failed requests: {visit.failed}"
    COUNTS.setdefault("pages checked", set()).add(page)
    count(f"images loaded ({viewport})", len(facts["images"]))
    count(f"inline SVGs in content ({viewport})", len(facts["svgs"]))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_console_error(visits, page, viewport):
    visit = visits(page, viewport)
    assert not visit.errors, f"{visit.url} at {viewport}:\n" + "\n".join(visit.errors)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_request_to_another_host(visits, page, viewport):
    visit = visits(page, viewport)
    assert not visit.foreign, f"{visit.url} at {viewport} asked other hosts for: {visit.foreign}"


def test_no_horizontal_scroll_on_a_phone(visits, page):
    facts = visits(page, "phone").facts
    assert facts["clientWidth"] == PHONE["width"]
    assert facts["scrollWidth"] <= facts["clientWidth"], (
        f"{page or 'index'} scrolls sideways at {PHONE['width']} px: the page is {facts['scrollWidth']} px wide; "
        f"sticking out: {facts['overflowing']}"
    )


def test_screenshots_were_saved(visits, page):
    for viewport, size in (("desktop", DESKTOP), ("phone", PHONE)):
        shot = visits(page, viewport).screenshot
        assert shot is not None
        assert shot.stat().st_size > 1000
        with Image.open(shot) as picture:
            assert picture.width == size["width"]
            assert picture.height >= size["height"]


def test_alt_text_says_what_each_figure_shows(visits, page):
    facts = visits(page, "desktop").facts
    problems = [
        f"<img> in {i['where']!r}: {problem}"
        for i in facts["images"]
        if i["inContent"] and (problem := alt_problem(i["alt"]))
    ]
    problems += [
        f"<{e['tag']} role=img> in {e['where']!r}: {problem}"
        for e in facts["labelled"]
        if (problem := alt_problem(e["label"]))
    ]
    assert not problems, f"{page or 'index'}:\n" + "\n".join(problems)


def test_collapsible_answers_open_on_click(tab, page):
    if "<details" not in (SITE / (page if page.endswith(".html") else page + "index.html")).read_text("utf-8"):
        return
    browser_tab, record = tab(page)
    answers = browser_tab.locator(".md-content details:not([open])")
    closed = answers.count()
    assert closed > 0, f"{page}: the HTML has <details> but none is closed on load"
    count_opened = 0
    for i in range(closed):
        answer = answers.first.element_handle()  # the locator re-queries: an opened one drops out
        summary = answer.query_selector(":scope > summary")
        summary.scroll_into_view_if_needed()
        summary.click()
        browser_tab.wait_for_function("el => el.open", arg=answer, timeout=2000)
        body = answer.query_selector(":scope > :not(summary)")
        body.wait_for_element_state("visible", timeout=2000)
        assert body.bounding_box()["height"] > 0, f"{page}: answer {i + 1} opened but shows nothing"
        count_opened += 1
    assert browser_tab.locator(".md-content details:not([open])").count() == 0
    assert not record.errors, record.errors
    count("collapsible answers opened", count_opened)


def test_there_are_collapsible_answers_somewhere():
    # The per-page test passes on a page without <details>; make sure it is not vacuous.
    assert any("<details" in p.read_text("utf-8") for p in SITE.rglob("*.html"))


def test_computation_times_page_lists_the_builds_blocks():
    # Every snippet runs alone in one exec fence, so the built page should name each of them.
    page = (SITE / "computation-times" / "index.html").read_text(encoding="utf-8")
    snippets = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "snippets").rglob("*.py"))
    listed = set(re.findall(r"<td[^>]*>(snippets/[^<]+)</td>", page))
    missing = [s for s in snippets if s not in listed and s != "snippets/site/computation_times.py"]
    assert not missing, f"blocks missing from the Computation times page: {missing}"
    count("blocks on the Computation times page", len(listed))


def test_each_chapter_shows_the_verdicts_this_build_measures():
    """The built pages and this process read the same checkpoints: each claim's verdict on its
    chapter is the one evaluated here. (A check of the built site, so it lives here: `make check`
    builds the site while `make test` runs, and a test there would read a half-written site/.)"""
    from checkpoint_home import committed

    from painters.families import registry
    from painters.measure import claims

    for name, _, _ in registry.CHECKPOINTS:
        committed(name)  # a clean skip while a checkpoint is stale
    for claim in claims.CLAIMS:
        holds = claims.verdict(claim.key).holds
        page = (SITE / claim.family / "index.html").read_text("utf-8")
        shown = re.findall(rf'data-claim="{re.escape(claim.key)}" data-verdict="(\w+)"', page)
        assert shown == ["agrees" if holds else "disagrees"], (claim.key, shown)
