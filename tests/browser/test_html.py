r"""Links and markup of the built site: no broken internal link or anchor, valid HTML.

Links: linkchecker (PyPI, pinned in the `check` extra) crawls the site as served on
127.0.0.1, starting from every built page, and checks every internal link, image and
stylesheet and every `#anchor` (its AnchorCheck plugin). Links to other sites are not
followed (there is no network here); they are counted. MkDocs' own `validation:` misses links
in raw HTML, which is how figures and tables reach these pages.

HTML: the Nu Html Checker (vnu-jar, npm, pinned in package.json; Java 17) validates every page.
Errors fail the test unless listed in VNU_BASELINE with a reason; warnings are not gated.

Equations: no page shows raw TeX (a command, \( \) or $$) in its words or in its MathML: every
equation is drawn. Sitemap: sitemap.xml lists every page, under site_url.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from built_site import NODE_MODULES, ROOT, SITE, built_pages, count, mkdocs_config

LINKCHECKER = shutil.which("linkchecker", path=str(ROOT / ".venv" / "bin")) or shutil.which("linkchecker")
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

LINKCHECKER_CONFIG = """\
[checking]
threads=4
maxrequestspersecond=100
# pages carry their figures as data URIs: parse pages far above the 1 MB default
maxfilesizeparse=104857600
maxfilesizedownload=104857600
[filtering]
checkextern=0
[AnchorCheck]
"""


@dataclass(frozen=True)
class Known:
    message: str  # a regular expression the vnu message must match in full
    reason: str


VNU_BASELINE = [
    Known(
        r"Attribute “autocomplete” is only allowed when the input type is .*",
        "Material's hidden checkboxes that drive the drawer and the search overlay "
        '(<input type="checkbox" id="__drawer" autocomplete="off">) carry autocomplete, which HTML '
        "allows only on text-like inputs. Theme markup (partials/... in mkdocs-material 9.8); "
        "browsers ignore it.",
    ),
    Known(
        r"No “p” element in scope but a “p” end tag seen\.|"
        r"Element “pre” not allowed as child of element “figure” in this context\..*",
        'markdown-exec with html="1" and source="tabbed-left" puts the block\'s HTML (a diagram\'s '
        "<figure>) inside a tab as a paragraph, so the page says <p><figure>...</figure></p>. "
        "Browsers close the <p> before the <figure> and show it as meant; the second message "
        "follows from the first. Goes away if those fences show their source 'above', or when "
        "markdown-exec stops wrapping its placeholder in <p>.",
    ),
]


def is_known(message: str) -> Known | None:
    return next((k for k in VNU_BASELINE if re.fullmatch(k.message, message)), None)


def test_vnu_baseline_matches_what_it_should():
    assert is_known("Attribute “autocomplete” is only allowed when the input type is “color”, “date”.")
    assert is_known("No “p” element in scope but a “p” end tag seen.")
    assert not is_known("Duplicate ID “intro”.")
    assert not is_known("Element “div” not allowed as child of element “span” in this context.")


# --- links -----------------------------------------------------------------------------------


def test_no_broken_internal_link_or_anchor(base_url, tmp_path):
    if LINKCHECKER is None:
        pytest.fail("linkchecker is not installed: `pip install -e '.[check]'` (make check does)")
    config = tmp_path / "linkcheckerrc"
    config.write_text(LINKCHECKER_CONFIG)
    # As root, linkchecker drops to `nobody`: its config must be readable by anyone.
    os.chmod(tmp_path, 0o755)
    os.chmod(config, 0o644)
    pages = [base_url + page for page in built_pages()]  # every page, linked from the nav or not
    run = subprocess.run(
        [LINKCHECKER, "--config", str(config), "--output", "xml", "--verbose", "--no-status", *pages],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode in (0, 1), f"linkchecker failed (exit {run.returncode}):\n{run.stderr[-2000:]}"
    broken, internal, external = [], 0, set()
    for link in ElementTree.fromstring(run.stdout).iter("urldata"):
        url = link.findtext("url") or ""
        if url.startswith("data:"):  # figures inline their pictures; the browser tests load them
            continue
        if link.findtext("extern") == "1":
            external.add(url)
            continue
        internal += 1
        parent = link.find("parent")
        where = f"{url} (on {parent.text}, line {parent.get('line')})" if parent is not None else url
        valid = link.find("valid")
        if valid is None or valid.text != "1":
            broken.append(f"{where}: {valid.get('result') if valid is not None else 'not checked'}")
        for warning in link.iter("warning"):
            if re.match(r"Anchor `[^']*' .*not found", warning.text or ""):
                broken.append(f"{where}: {warning.text.split('.')[0]}")
    count("internal links and anchors checked", internal)
    count("external links seen, not followed (offline)", len(external))
    assert internal > len(pages), "linkchecker checked almost nothing: is the site empty?"
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(sorted(broken))


# --- HTML ------------------------------------------------------------------------------------


def test_html_is_valid():
    if not VNU_JAR.exists():
        pytest.fail(f"no {VNU_JAR}: run `npm ci` (make check does)")
    java = shutil.which("java")
    if java is None:
        pytest.fail("no Java: install a JRE (Java 17 or newer), e.g. `apt-get install -y default-jre-headless`")
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", str(SITE)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    errors = [m for m in messages if m["type"] in ("error", "non-document-error") or m.get("subType") == "fatal"]
    new, seen = [], set()
    for m in errors:
        known = is_known(m["message"])
        seen.add(known)
        if known is None:
            where = m["url"].removeprefix("file:" + str(SITE) + "/")
            new.append(f"{where}:{m.get('lastLine', '?')}: {m['message']}\n    {m.get('extract', '').strip()[:160]}")
    count("pages validated by vnu", len(built_pages()))
    count("vnu errors (all known)" if not new else "vnu errors", len(errors))
    assert not new, f"{len(new)} HTML error(s) not in the baseline:\n" + "\n".join(new)
    stale = [k.message for k in VNU_BASELINE if k not in seen]  # vnu always checks every page
    assert not stale, f"baseline entries no page needs any more (delete them): {stale}"


# --- equations and the sitemap (the built files, read as they are) ----------------------------


class _Prose(HTMLParser):
    """The text a reader sees as words and equations: everything but code, scripts and styles."""

    SKIP = frozenset({"script", "style", "pre", "code", "textarea", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth, self.text, self.math = 0, [], []
        self.in_math = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        skipped = tag in self.SKIP or self.depth or "highlight" in classes.split()
        if skipped and tag not in VOID:
            self.depth += 1
        self.in_math += tag == "math"

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in VOID:
            self.depth -= 1
        self.in_math -= tag == "math"

    def handle_data(self, data: str) -> None:
        if not self.depth:
            (self.math if self.in_math else self.text).append(data)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: TeX a reader should never see: a command (\frac, \lVert), \( \) or \[ \] delimiters, $$.
RAW_TEX = re.compile(r"\\(?:[A-Za-z]{2,}|[()\[\]|{}])|\$\$")


def raw_tex(html: str) -> list[str]:
    """The raw TeX left in a page's words or in its equations' MathML."""
    parser = _Prose()
    parser.feed(html)
    found = [m for chunk in parser.math for m in RAW_TEX.findall(chunk)]
    found += [m for chunk in parser.text for m in RAW_TEX.findall(chunk)]
    return found


def test_raw_tex_is_found_where_a_reader_would_see_it():
    assert raw_tex("<p>loss <math><mo>\\lVert</mo></math></p>") == ["\\lVert"]
    assert raw_tex("<p>\\(x^2\\) and $$y$$</p>") == ["\\(", "\\)", "$$", "$$"]
    assert raw_tex('<pre><code>"\\n".join(x) \\frac</code></pre><div class="highlight">\\alpha</div>') == []


def test_every_equation_is_drawn():
    pages = built_pages()
    problems = {}
    for page in pages:
        html = (SITE / (page if page.endswith(".html") else page + "index.html")).read_text("utf-8")
        if found := raw_tex(html):
            problems[page or "index"] = sorted(set(found))[:6]
        count("equations drawn as MathML", html.count("<math"))
    assert not problems, f"raw TeX a reader would see: {problems}"


def test_the_sitemap_lists_every_page():
    site_url = (mkdocs_config().get("site_url") or "").rstrip("/") + "/"
    assert site_url.startswith(("http://", "https://")), f"site_url {site_url!r}: the sitemap needs an address"
    listed = ElementTree.parse(SITE / "sitemap.xml").getroot()
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text or "" for loc in listed.iterfind("s:url/s:loc", namespace)]
    outside = [loc for loc in locations if not loc.startswith(site_url)]
    assert not outside, f"sitemap entries outside {site_url}: {outside[:3]}"
    pages = {p for p in built_pages() if p != "404.html"}
    missing = pages - {loc.removeprefix(site_url) for loc in locations}
    assert not missing, f"pages the sitemap does not list: {sorted(missing)} ({len(locations)} listed)"
    count("pages in the sitemap", len(locations))
