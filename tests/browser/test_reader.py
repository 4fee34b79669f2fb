"""The reader's view: every page fast, light, legible and figure-first, on a laptop and a phone.

- Speed and weight: each page is loaded cold (a fresh browser context, nothing cached) at
  desktop width, LOADS times; its DOMContentLoaded (the page is interactive: Material's script
  has run) must come within MAX_DCL_MS, and everything it fetches before the reader asks for
  more (the HTML with its inline figures, stylesheets, scripts, the search index Material loads
  at once) must weigh at most MAX_BYTES as sent: the test server compresses text as a static
  host does (built_site.SiteHandler), so this is what a reader downloads. The bytes the browser
  had to read (uncompressed) are recorded beside it. Each page's numbers go to
  artifacts/page-weights.json and are printed as a table at the end of the run.
- Tables: at 1280 px every table fits the text column whole (its words wrap); on a 375 px phone
  it fits, or turns into cards (a table of sentences, data-layout="stack"), or sits in one
  scroll box (never two nested) that is focusable and named, shows the scroll cue (extra.css:
  an arrow on a fade pinned to the box's right edge) while there is more and not at the end,
  keeps the row names pinned and reaches every column. Numbers stay on one line, no cell's
  content spills out of it, and every verdict (agrees, disagrees, met, missed) is in view
  without scrolling. The score table keeps Family and Total in view on a phone. Picture grids
  are tables too, and may scroll at any width (with the same cue).
- Figure first: the page's own words come before its first figure, no code block shows above
  it (code waits in a closed <details>), and every "Show the code" is closed on load. A lab is
  the exception to the middle rule: it is a notebook to download and run, its code cells are
  what it teaches, each above its output as Jupyter shows it.
- Picture grids: every pixelated picture is drawn at a whole multiple (2x or more) of its pixel
  width at both widths, every grid of more than one row names each row, and each column label
  stands over its own picture.
- Charts: every word in an inline SVG chart renders at MIN_CHART_TEXT_PX or more on a 375 px
  phone, and no two words overlap or touch (closer than a fifth of their size on one line), at
  both widths. Each chart is screenshotted at both widths in both colour
  schemes into artifacts/charts/, for people to look at.
"""

from __future__ import annotations

import statistics
from typing import Any

import pytest
from built_site import (
    ARTIFACTS,
    COUNTS,
    PAGE_WEIGHTS,
    SCHEMES,
    SITE,
    Visit,
    built_pages,
    count,
    open_tab,
    set_scheme,
    slug,
    write_weights,
)

MAX_DCL_MS = 1000  # DOMContentLoaded, cold cache, on this machine
MAX_BYTES = 700 * 1024  # everything a page fetches before the reader asks for more, as sent
LOADS = 3  # cold loads per page: the gate reads the median (a busy machine makes single loads noisy)
MIN_CHART_TEXT_PX = 11
CHARTS = ARTIFACTS / "charts"


# --- speed and weight --------------------------------------------------------------------------

# Read after the load event and an idle network: when the page was interactive, and every byte
# it fetched (the HTML with its inline figures, then each stylesheet, script, the search index):
# as sent (compressed, as a static host sends text) and as the browser had to read it.
TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fetched = [nav, ...performance.getEntriesByType('resource')]
    .map(r => [r.name, r.transferSize, r.decodedBodySize]);
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, fetched};
}"""


def cold_load(browser: Any, base_url: str, page: str) -> dict[str, Any]:
    """One load of `page` in a fresh context (an empty cache): its timings and what it fetched."""
    record = Visit(url=base_url + page)
    context, tab = open_tab(browser, "desktop", record)
    tab.goto(record.url, wait_until="load")
    tab.wait_for_load_state("networkidle")
    timing = tab.evaluate(TIMING)
    context.close()
    assert not record.failed, record.failed
    sent: dict[str, int] = {}
    raw: dict[str, int] = {}
    for url, transferred, decoded in timing["fetched"]:
        kind = "html" if url == record.url else _kind(url)
        sent[kind] = sent.get(kind, 0) + transferred
        raw[kind] = raw.get(kind, 0) + decoded
    return {"dcl_ms": timing["dcl"], "load_ms": timing["load"], "sent": sent, "raw": raw}


def _kind(url: str) -> str:
    path = url.split("?")[0]
    for suffix, kind in ((".css", "css"), (".js", "js"), ("search_index.json", "search index")):
        if path.endswith(suffix):
            return kind
    return "other"


def test_every_page_is_fast_and_light(browser, base_url, page):
    loads = [cold_load(browser, base_url, page) for _ in range(LOADS)]
    dcl = statistics.median(load["dcl_ms"] for load in loads)
    sent = max(sum(load["sent"].values()) for load in loads)
    raw = max(sum(load["raw"].values()) for load in loads)

    def kb(parts: dict[str, int]) -> dict[str, float]:
        return {kind: round(n / 1024, 1) for kind, n in sorted(parts.items())}

    PAGE_WEIGHTS[page] = {
        "dcl_ms_median": round(dcl),
        "dcl_ms_each": [round(load["dcl_ms"]) for load in loads],
        "load_ms_median": round(statistics.median(load["load_ms"] for load in loads)),
        "kb_sent": round(sent / 1024, 1),
        "kb_raw": round(raw / 1024, 1),
        "kb_sent_by_kind": kb(loads[0]["sent"]),
        "kb_raw_by_kind": kb(loads[0]["raw"]),
    }
    write_weights({"max_dcl_ms": MAX_DCL_MS, "max_kb_sent": MAX_BYTES // 1024, "loads_per_page": LOADS})
    count("pages timed cold (x3)")
    problems = []
    if dcl > MAX_DCL_MS:
        problems.append(f"DOMContentLoaded after {dcl:.0f} ms (median of {LOADS} cold loads) > {MAX_DCL_MS} ms")
    if sent > MAX_BYTES:
        problems.append(
            f"{sent / 1024:.0f} KB sent on load > {MAX_BYTES // 1024} KB: {PAGE_WEIGHTS[page]['kb_sent_by_kind']}"
        )
    assert not problems, f"{page or 'index'}: " + "; ".join(problems)


# --- tables ------------------------------------------------------------------------------------

# Every visible table in the content: its cells measured against the text column (the article),
# the screen, and the one box that may scroll it. A cell is "cut" when it reaches past the column
# (or the screen), or when its own content overflows it. Picture grids (tables of pictures,
# painters-rows) may scroll at any width: they keep whole pixels (see below); every other table
# must fit its column at 1280 px, and on a phone fit, turn into cards, or scroll with the cue.
TABLES = """async () => {
  const frame = () => new Promise(ok => requestAnimationFrame(() => requestAnimationFrame(ok)));
  const content = document.querySelector('.md-content');
  const column = content.querySelector('article').getBoundingClientRect();
  const screen = document.documentElement.clientWidth;
  const scrolls = el => {
    const s = getComputedStyle(el);
    return ['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
  };
  const name = t => (t.caption ? t.caption.textContent : (t.rows[0] ? t.rows[0].textContent : '')).trim().slice(0, 50);
  // Shown to the eye: not hidden, and not clipped away for screen readers only (a card table's
  // header row, a diagram's text twin).
  const shown = el => {
    if (!el.checkVisibility() || el.getBoundingClientRect().width <= 1) return false;
    for (let n = el; n && n !== content; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.clipPath !== 'none' || s.clip !== 'auto') return false;
    }
    return true;
  };
  const results = [];
  for (const table of [...content.querySelectorAll('table')].filter(t => t.checkVisibility() && t.rows.length)) {
    const boxes = [];
    for (let el = table; el && el !== content; el = el.parentElement) if (scrolls(el)) boxes.push(el);
    const box = boxes[0];
    const cells = [...table.querySelectorAll('th, td')].filter(shown);
    const right = () => Math.min(column.right, screen, box ? box.getBoundingClientRect().right : Infinity);
    const cut = () => cells.filter(c => c.getBoundingClientRect().right > right() + 1)
      .map(c => c.textContent.trim().slice(0, 30));
    const out = {
      name: name(table), grid: table.classList.contains('painters-rows'), boxes: boxes.length,
      stacked: table.dataset.layout === 'stack' && getComputedStyle(table).display === 'block',
      cut: cut(),
      overflowing: cells.filter(c => !c.closest('.painters-grid') && c.scrollWidth > c.clientWidth + 1)
        .map(c => c.textContent.trim().slice(0, 30)),
      // a number on one line: every line box of its text at the same height
      broken: [...table.querySelectorAll('td.painters-num')].filter(shown).filter(c => {
        const range = document.createRange();
        range.selectNodeContents(c);
        return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
      }).map(c => c.textContent.trim()),
      // verdict cells: in view where the reader arrives, before any sideways scrolling
      verdicts: [...table.querySelectorAll('td')].filter(shown)
        .filter(c => /^(agrees|disagrees|met|missed)$/.test(c.textContent.trim()))
        .map(c => ({text: c.textContent.trim(), inView: c.getBoundingClientRect().left >= column.left - 1
                    && c.getBoundingClientRect().right <= right() + 1})),
    };
    if (box) {
      const cue = getComputedStyle(box, '::after');
      out.cue = cue.content !== 'none' && cue.visibility === 'visible' && cue.position === 'sticky'
        && /gradient/.test(cue.backgroundImage) && (parseFloat(cue.width) || 0) >= 8;
      out.focusable = box.tabIndex === 0 && !!box.getAttribute('aria-label');
      const first = table.rows[table.rows.length - 1].cells[0];
      out.pinned = !first || getComputedStyle(first).position === 'sticky';
      const before = box.scrollLeft;
      box.scrollLeft = box.scrollWidth;
      await frame();  // a scroll timeline moves its animations on the next frame
      out.reachable = cut().length === 0;
      out.cueAtEnd = getComputedStyle(box, '::after').visibility === 'visible';
      box.scrollLeft = before;
      await frame();
    }
    if (table.closest('.painters-score')) {
      const heads = [...table.rows[0].cells].map(c => c.textContent.trim());
      out.score = {
        heads: heads.slice(0, 2),
        inView: [...table.rows[0].cells].slice(0, 2).every(c => c.getBoundingClientRect().right <= right() + 1),
      };
    }
    results.push(out);
  }
  return results;
}"""


# Material wraps each plain table in its scroll box from its script, after DOMContentLoaded; on a
# busy machine that can come after the network is idle.
WRAPPED = """() => [...document.querySelectorAll('.md-content table:not([class])')]
  .every(t => t.parentElement.classList.contains('md-typeset__table'))"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_tables_fit_their_column(tab, page, viewport):
    """At 1280 px every table fits the text column whole. On a phone a table fits, or becomes
    cards (a table of sentences), or scrolls in one box that says so: focusable and named, the
    cue (an arrow on a fade at its right edge) showing while there is more and gone at the end,
    the row names pinned at the left, every column reachable. Everywhere: no cell's content
    spills out of it, numbers stay on one line, and a verdict (agrees, disagrees, met, missed)
    is in view without scrolling."""
    browser_tab, record = tab(page, viewport)
    browser_tab.wait_for_function(WRAPPED, timeout=10_000)
    browser_tab.wait_for_timeout(100)  # the scroll cue's timeline settles with the first frame
    problems = []
    for t in browser_tab.evaluate(TABLES):
        where = f"table {t['name']!r}"
        if t["boxes"] > 1:
            problems.append(f"{where} sits in {t['boxes']} nested scroll boxes (one is enough)")
        if t["overflowing"]:
            problems.append(f"{where}: cells whose content spills out of them: {t['overflowing'][:4]}")
        if t["broken"]:
            problems.append(f"{where}: numbers broken over two lines: {t['broken'][:4]}")
        hidden = [v["text"] for v in t["verdicts"] if not v["inView"]]
        if hidden:
            problems.append(f"{where}: verdicts out of view until the reader scrolls sideways: {hidden[:4]}")
        if t["cut"] and not t["grid"] and (viewport == "desktop" or t["stacked"]):
            problems.append(f"{where} does not fit the text column; cut off: {t['cut'][:4]}")
        elif t["cut"] and t["boxes"]:  # a wide table on a phone, or a picture grid: it scrolls, and says so
            if not t.get("reachable"):
                problems.append(f"{where}: scrolling its box does not bring every column into view")
            if not t.get("cue"):
                problems.append(f"{where} scrolls with no visible cue (the arrow on a fade, extra.css)")
            if t.get("cueAtEnd"):
                problems.append(f"{where}: scrolled to the end, the cue still says there is more")
            if not t.get("focusable"):
                problems.append(f"{where}: its scroll box takes no keyboard focus or has no name")
            if not t["grid"] and not t.get("pinned"):
                problems.append(f"{where}: the row names scroll away with the rest (first column not pinned)")
            count(f"tables that scroll with a cue ({viewport})")
        elif t["cut"]:
            problems.append(f"{where}: cut off and nothing scrolls to it: {t['cut'][:4]}")
        if t["stacked"]:
            count(f"tables shown as cards ({viewport})")
        if "score" in t and (t["score"]["heads"] != ["Family", "Total"] or not t["score"]["inView"]):
            problems.append(f"score table: Family and Total not first and in view: {t['score']}")
        count(f"tables checked ({viewport})")
    assert not problems, f"{record.url} at {viewport}:\n" + "\n".join(problems)


# --- figure first ------------------------------------------------------------------------------

ORDER = """() => {
  const article = document.querySelector('.md-content article');
  const figures = [...article.querySelectorAll('figure, img, svg[role=img]')]
    .filter(el => el.checkVisibility() && !el.closest('.headerlink, .md-content__button, a.md-button'));
  const first = figures[0];
  const before = el => first && (el.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING);
  const inClosed = el => { const d = el.closest('details'); return !!d && !d.open; };
  const prose = [...article.querySelectorAll('p')]
    .filter(p => before(p) && !p.closest('figure, details, .provenance') && !p.matches('.provenance')
                 && p.textContent.trim().split(/\\s+/).length >= 5);
  const code = [...article.querySelectorAll('pre, .highlight, .jp-CodeCell .jp-InputArea')]
    .filter(el => before(el) && el.checkVisibility() && !inClosed(el));
  const what = el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
  const label = el => (el.getAttribute('alt') || el.getAttribute('aria-label') || '').slice(0, 60);
  return {
    lab: !!article.querySelector('.jupyter-wrapper'),
    figure: first ? what(first) + ' ' + label(first) : null,
    prose: prose.length,
    code: code.slice(0, 3).map(el => what(el) + ': ' + el.textContent.trim().slice(0, 60)),
    openCode: [...article.querySelectorAll('details.painters-code')].filter(d => d.open).length,
    folded: article.querySelectorAll('details.painters-code').length,
  };
}"""


def test_words_come_first_then_the_figure_then_the_code(tab, page):
    browser_tab, record = tab(page)
    order = browser_tab.evaluate(ORDER)
    problems = []
    if order["figure"] is not None:
        if not order["prose"]:
            problems.append(f"no paragraph of the page's own words before its first figure ({order['figure']})")
        if order["code"] and not order["lab"]:
            problems.append(f"code shows above the first figure ({order['figure']}): {order['code']}")
    if order["openCode"]:
        problems.append(f"{order['openCode']} 'Show the code' block(s) open on load")
    count("pages checked figure-first")
    count("code blocks folded under their figure", order["folded"])
    assert not problems, f"{record.url}:\n" + "\n".join(problems)


# A family chapter opens with its painter's pictures: the first grid of samples whole on the first
# screen of a 1280x800 laptop, before any code; the model's source (the losses, the samplers) is
# folded, one click away, and no code block taller than a command line shows open anywhere on it.
FIRST_SCREEN = """() => {
  const article = document.querySelector('.md-content article');
  const grid = article.querySelector('.painters-grid');
  const box = grid && grid.getBoundingClientRect();
  const before = el => grid && (el.compareDocumentPosition(grid) & Node.DOCUMENT_POSITION_FOLLOWING);
  const open = el => {  // shown to the eye: not folded, not clipped away for screen readers only
    if (!el.checkVisibility() || el.closest('details:not([open])')) return false;
    for (let n = el; n && n !== article; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.clipPath !== 'none' || s.clip !== 'auto') return false;
    }
    return true;
  };
  const lines = el => el.textContent.replace(/\\n$/, '').split('\\n').length;
  return {
    grid: box ? {top: box.top + scrollY, bottom: box.bottom + scrollY,
                 alt: (grid.querySelector('img') || {}).alt || ''} : null,
    codeBefore: [...article.querySelectorAll('pre')].filter(p => before(p) && open(p)).length,
    openCode: [...article.querySelectorAll('pre')].filter(p => open(p) && lines(p) > LONGEST)
      .map(p => p.textContent.trim().split('\\n')[0].slice(0, 60)),
    foldedSource: [...article.querySelectorAll('details:not(.painters-code) pre, details.painters-code pre')]
      .filter(p => !p.closest('details[open]')).length,
  };
}"""
#: The longest code block a family page may show open: a command to copy (the "Try it yourself").
LONGEST_OPEN_CODE = 3


@pytest.mark.parametrize("family", ["gan", "vae", "diffusion", "autoregressive"])
def test_a_family_page_opens_with_its_pictures(tab, family):
    browser_tab, record = tab(f"{family}/")
    seen = browser_tab.evaluate(FIRST_SCREEN.replace("LONGEST", str(LONGEST_OPEN_CODE)))
    height = browser_tab.viewport_size["height"]
    assert seen["grid"], f"{record.url}: no picture grid at all"
    assert seen["grid"]["bottom"] <= height, (
        f"{record.url}: the first pictures ({seen['grid']['alt'][:60]!r}) end {seen['grid']['bottom']:.0f} px down, "
        f"below the first screen ({height} px)"
    )
    assert not seen["codeBefore"], f"{record.url}: code shows above the first pictures"
    assert not seen["openCode"], f"{record.url}: code blocks open on load (fold them): {seen['openCode']}"
    assert seen["foldedSource"], f"{record.url}: none of the model's source is there to unfold"
    count("family pages that open with their pictures")


# --- picture grids -----------------------------------------------------------------------------

GRIDS = """() => {
  const content = document.querySelector('.md-content');
  const pictures = [...content.querySelectorAll('img.pixelated')].filter(img => img.checkVisibility()).map(img => ({
    alt: (img.getAttribute('alt') || '').slice(0, 60),
    natural: img.naturalWidth,
    shown: img.getBoundingClientRect().width,
  }));
  const grids = [...content.querySelectorAll('.painters-grid')].map(grid => {
    const rows = [...grid.querySelectorAll('tbody > tr')];
    // Column labels: each one's centre over its own picture of the first row (the row's image
    // is n pictures with a 1 px gap between them, so picture i spans i/n to (i+1)/n of it).
    const labels = [...grid.querySelectorAll('.painters-columns > span')];
    const img = rows.length && rows[0].querySelector('img');
    const strip = img && img.getBoundingClientRect();
    const misplaced = labels.filter((label, i) => {
      const r = label.getBoundingClientRect(), centre = (r.left + r.right) / 2, w = strip.width / labels.length;
      return centre < strip.left + i * w || centre > strip.left + (i + 1) * w || r.top > strip.top;
    }).map(label => label.textContent);
    return {
      alt: ((grid.querySelector('img') || {}).alt || '').slice(0, 60),
      rows: rows.length,
      labelled: rows.filter(r => (r.querySelector('th[scope=row]') || {textContent: ''}).textContent.trim()).length,
      columns: labels.length,
      misplaced,
    };
  });
  return {pictures, grids};
}"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_pictures_keep_whole_pixels_and_grids_name_their_rows(tab, page, viewport):
    browser_tab, record = tab(page, viewport)
    found = browser_tab.evaluate(GRIDS)
    problems = []
    for p in found["pictures"]:
        scale = p["shown"] / p["natural"] if p["natural"] else 0
        if scale < 2 - 0.01 or abs(scale - round(scale)) > 0.01:
            problems.append(f"{p['alt']!r}: drawn at {scale:.2f}x its {p['natural']} px (a whole 2x or more)")
        count(f"pixelated pictures at a whole scale ({viewport})")
    for g in found["grids"]:
        if g["rows"] > 1 and g["labelled"] < g["rows"]:
            problems.append(f"grid {g['alt']!r}: {g['rows']} rows, {g['labelled']} named")
        if g["misplaced"]:
            problems.append(f"grid {g['alt']!r}: column labels not over their pictures: {g['misplaced'][:4]}")
        count(f"column labels over their pictures ({viewport})", g["columns"] - len(g["misplaced"]))
    assert not problems, f"{record.url} at {viewport}:\n" + "\n".join(problems)


# --- charts ------------------------------------------------------------------------------------

CHART_TEXT = """() => {
  const charts = [...document.querySelectorAll('.md-content figure.chart svg')].filter(s => s.checkVisibility());
  return charts.map(svg => {
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
    const words = texts.map(t => {
      const m = t.getScreenCTM();
      const scale = Math.hypot(m.a, m.b);
      const r = t.getBoundingClientRect();
      return {text: t.textContent.trim().slice(0, 30), px: parseFloat(getComputedStyle(t).fontSize) * scale,
              box: [r.left, r.top, r.right, r.bottom]};
    });
    // Two words collide when they overlap, or on one line come closer than a space's width
    // (a fifth of their size): tick labels that touch read as one number ("10001500").
    const overlaps = [];
    for (let i = 0; i < words.length; i++) for (let j = i + 1; j < words.length; j++) {
      const [a, b] = [words[i].box, words[j].box];
      const gap = Math.max(2, 0.2 * Math.min(words[i].px, words[j].px));
      const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]), h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
      if ((w > 1 && h > 1) || (w > -gap && h > 0.5 * Math.min(a[3] - a[1], b[3] - b[1])))
        overlaps.push(words[i].text + ' / ' + words[j].text);
    }
    return {label: (svg.getAttribute('aria-label') || '').slice(0, 60), words, overlaps,
            width: svg.getBoundingClientRect().width};
  });
}"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_chart_text_reads_on_a_phone_and_nothing_collides(tab, page, viewport):
    browser_tab, record = tab(page, viewport)
    problems = []
    for chart in browser_tab.evaluate(CHART_TEXT):
        small = [f"{w['text']!r} {w['px']:.1f} px" for w in chart["words"] if w["px"] < MIN_CHART_TEXT_PX - 0.05]
        if viewport == "desktop":
            small = []  # the size is checked where it is smallest: on the phone
        if small:
            problems.append(
                f"chart {chart['label']!r} ({chart['width']:.0f} px wide): text under {MIN_CHART_TEXT_PX} px: "
                + ", ".join(small[:6])
            )
        if chart["overlaps"]:
            problems.append(f"chart {chart['label']!r}: words overlap or touch: {chart['overlaps'][:4]}")
        count(f"chart words checked ({viewport})", len(chart["words"]))
    assert not problems, f"{record.url} at {viewport}:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_chart_screenshots_in_both_schemes(tab, page, viewport):
    browser_tab, record = tab(page, viewport)
    charts = browser_tab.locator(".md-content figure.chart")
    if not charts.count():
        return
    for scheme, name in SCHEMES.items():
        set_scheme(browser_tab, scheme)
        for i in range(charts.count()):
            chart = charts.nth(i)
            if not chart.is_visible():
                continue
            chart.scroll_into_view_if_needed()
            path = CHARTS / f"{slug(page)}-{i + 1}-{viewport}-{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            chart.screenshot(path=str(path), animations="disabled")
            COUNTS.setdefault("chart screenshots", set()).add(path.name)
    assert not record.errors, record.errors


def test_the_reader_checks_have_something_to_check():
    # The per-page checks pass on a page without tables, grids or charts: not on a site without any.
    html = "".join((SITE / (p if p.endswith(".html") else p + "index.html")).read_text("utf-8") for p in built_pages())
    marks = ('class="painters-score', "painters-grid", "<table", 'figure class="painters-figure chart', "painters-code")
    for mark in marks:
        assert mark in html, f"no page of {SITE} has {mark!r}: the checks of it are vacuous"
