"""What a reader does with the site: switch light/dark, search for a term.

Search: each query in SEARCHES ranks first the page that explains the idea and, on it, the
section that explains it (not its References, code or a table's header), its best result quotes
the page's prose (not code, a table or a chart's tick labels), and following a result lands on a
page that says it.

Light and dark: the palette toggle must flip Material's `data-md-color-scheme` and the page's
background, and every drawn figure (SVG diagrams shown as <img>, inline SVG charts) must read in
both schemes. "Reads" is measured on what Chromium paints, not on the markup. In each scheme:
the figure's own pixels must span a text-grade contrast, WCAG's 4.5:1 between its darkest and
lightest 0.5% (thin labels are about that share of a chart); and the figure must follow the
page, bright on the light page and dark on the dark one, so that it is neither black lines lost
on slate nor a white block glaring out of it. Raster pictures (the painters' samples) are opaque
pixels of the toy world and are not themed.
"""

from __future__ import annotations

import io
import re
import unicodedata

import numpy as np
import pytest
from built_site import SCHEMES, SITE, count, set_scheme
from PIL import Image

FIGURES = ".md-content img[src^='data:image/svg'], .md-content img[src$='.svg'], .md-content svg[role=img]"
TEXT_CONTRAST = 4.5  # WCAG 2 AA for body text
# Mean relative luminance of the figure as painted: above this on the light page, below on the dark.
LIGHT_PAGE_MIN, DARK_PAGE_MAX = 0.35, 0.35

#: A search for an idea must rank first the page that explains it and, on it, the section that
#: explains it (its anchor; None: any), above a References list or a "Check yourself" that only
#: names it, quoting its prose.
SEARCHES = {
    "mode collapse": ("gan/", "where-it-fails"),
    "classifier-free guidance": ("diffusion/", "how-hard-to-listen-to-the-prompt"),  # the AR page borrows it
    "posterior collapse": ("vae/", "posterior-collapse"),
    "exposure bias": ("autoregressive/", "where-it-fails"),
    "KL divergence": ("vae/", "the-kl-term"),
    "reparameterisation trick": ("vae/", "the-objective"),
    "KV cache": ("autoregressive/", "the-cost-of-waiting-in-line"),
    "DDIM": ("diffusion/", "the-sampler"),
    "codebook": ("autoregressive/", "the-visual-codebook"),
    "Frechet distance": ("measure/", "frechet-distance"),  # spelt Fréchet there, Frechet in the tables
    "guidance": ("diffusion/", None),
    "blur": ("vae/", None),
}


def folded(text: str) -> str:
    """Lower case, accents dropped: "Fréchet" reads as the "Frechet" a reader types."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (..., 3) in 0..255."""
    c = rgb / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def painted(element) -> np.ndarray:
    """The element as Chromium paints it on the page: (N, 3) RGB pixels."""
    with Image.open(io.BytesIO(element.screenshot(animations="disabled"))) as picture:
        return np.asarray(picture.convert("RGB"), dtype=float).reshape(-1, 3)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_light_dark_toggle_keeps_figures_readable(tab, page, viewport):
    browser_tab, record = tab(page, viewport)
    backgrounds = {}
    problems = []
    for scheme, name in SCHEMES.items():
        backgrounds[scheme] = set_scheme(browser_tab, scheme)
        for i, figure in enumerate(browser_tab.query_selector_all(FIGURES)):
            if not figure.is_visible():  # e.g. inside a closed answer; the narrow twin of a wide diagram
                continue
            label = figure.get_attribute("alt") or figure.get_attribute("aria-label") or f"figure {i + 1}"
            pixels = luminance(painted(figure))
            low, high = np.percentile(pixels, [0.5, 99.5])
            spread, mean = contrast(low, high), float(pixels.mean())
            if spread < TEXT_CONTRAST:
                problems.append(f"{name}: {label[:60]!r}: strongest contrast {spread:.1f}:1 < {TEXT_CONTRAST}:1")
            if name == "light" and mean < LIGHT_PAGE_MIN:
                problems.append(f"light: {label[:60]!r} is a dark block on the light page (mean {mean:.2f})")
            if name == "dark" and mean > DARK_PAGE_MAX:
                problems.append(f"dark: {label[:60]!r} glares on the dark page (mean {mean:.2f}): not themed")
            count(f"figures checked in light and dark ({viewport})", name == "dark")
    assert backgrounds["default"] != backgrounds["slate"], f"the page background stayed {backgrounds['default']}"
    assert not problems, f"{record.url} at {viewport}:\n" + "\n".join(problems)
    assert not record.errors, record.errors


def test_the_site_has_themed_figures():
    # The per-page test passes on a page without figures; make sure it is not vacuous.
    assert any("data:image/svg" in p.read_text("utf-8") for p in SITE.rglob("*.html"))


# The first result: its page (relative to the site root), its title, its teaser and how much of
# the teaser is code.
BEST_RESULT = """() => {
  const items = [...document.querySelectorAll('.md-search-result__item')];
  const page = a => new URL(a.href).pathname.replace(new URL(document.baseURI).pathname, '').replace(/^\\/+/, '');
  const links = [...items[0].querySelectorAll('a.md-search-result__link')].filter(a => a.checkVisibility());
  // Material lists the page first (its title, with the words before its first heading), then its
  // best sections: the excerpt a reader sees is the first one that quotes the query.
  const best = links.find(a => a.querySelector('article > p mark')) || links[0];
  const paragraphs = [...best.querySelectorAll('article > p')];
  const text = paragraphs.map(p => p.textContent).join(' ').trim();
  const code = paragraphs.flatMap(p => [...p.querySelectorAll('code, pre')]).map(c => c.textContent).join('').length;
  // The section the search ranks highest on that page (Material shows it first, under the title).
  const score = a => +a.querySelector('article').dataset.mdScore;
  const top = links.reduce((a, b) => (score(b) > score(a) ? b : a));
  return {
    page: page(links[0]).split('#')[0],
    section: decodeURIComponent(new URL(top.href).hash.slice(1)) || null,
    sectionTitle: (top.querySelector('h1, h2') || top).textContent.trim().slice(0, 60),
    title: (best.querySelector('h1, h2') || best).textContent.trim().slice(0, 60),
    teaser: text.slice(0, 160),
    words: text.split(/\\s+/).filter(Boolean).length,
    codeShare: text.length ? code / text.length : 1,
    others: items.slice(1, 4).map(i => page(i.querySelector('a'))),
  };
}"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("query", list(SEARCHES))
def test_search_finds(tab, query, viewport):
    browser_tab, record = tab("", viewport)
    if viewport == "phone":  # the search box hides behind the magnifier in the header
        browser_tab.locator("label.md-header__button[for=__search]").click()
    box = browser_tab.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)  # type as a reader does, firing Material's key handlers
    words = [w for w in re.split(r"\W+", query.lower()) if w]
    # Results update as each key lands: wait for those of the whole query, every word marked.
    browser_tab.wait_for_function(
        """words => {
            const marked = [...document.querySelectorAll('.md-search-result mark')]
                .map(m => m.textContent.toLowerCase()).join(' ');
            return words.every(w => marked.includes(w));
        }""",
        arg=words,
        timeout=10_000,
    )
    meta = browser_tab.locator(".md-search-result__meta").inner_text()
    assert re.search(r"\d+ matching document", meta), meta
    count("searches that found their term", 1)
    # The first result is the page that explains the idea, and what it quotes is prose.
    best = browser_tab.evaluate(BEST_RESULT)
    expected, section = SEARCHES[query]
    assert best["page"] == expected, (
        f"{query!r}: the first result is {best['page'] or 'the home page'!r} ({best['title']!r}), "
        f"not {expected!r}; then: {best['others']}"
    )
    assert section is None or best["section"] == section, (
        f"{query!r}: on {expected!r} the search ranks {best['sectionTitle']!r} (#{best['section']}) first, "
        f"not the section that explains it (#{section})"
    )
    prose = f"{query!r}: the first result quotes no prose: {best['teaser']!r} ({best['codeShare']:.0%} code)"
    assert best["words"] >= 8, prose
    assert best["codeShare"] < 0.3, prose
    count("searches that ranked the explaining page first", 1)
    # A result quotes the term, and following it lands on a page that says it.
    # Only results a reader can see count: Material folds extra sections of one page under a
    # "more" toggle, and a folded one cannot be clicked.
    spelt = re.compile(r"\s+".join(re.escape(w).replace("e", "[eé]") for w in query.split()), re.I)  # Fréchet
    hit = browser_tab.locator(".md-search-result__link").filter(has_text=spelt).filter(visible=True)
    assert hit.count() > 0, f"no result quotes {query!r}: " + " | ".join(
        t[:80] for t in browser_tab.locator(".md-search-result__link").all_inner_texts()[:5]
    )
    hit.first.click()
    browser_tab.wait_for_load_state("networkidle")
    text = folded(" ".join(browser_tab.locator("article").text_content().split()))  # closed answers too
    assert folded(query) in text, f"{browser_tab.url} does not say {query!r}"
    assert not record.errors, record.errors
    assert not record.foreign, record.foreign
