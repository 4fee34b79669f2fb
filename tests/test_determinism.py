"""Two clean builds of the same commit give the same site: figures byte for byte, the same numbers.

`make determinism` (part of `make check`) builds the site a second time in a fresh copy of the
working tree (`build/determinism/tree`, its own empty `.cache/`, so no sample or dataset is
reused) and runs this file with PAINTERS_SITE_B pointing at that build; PAINTERS_SITE_A
defaults to `site/`, written by `make site`. Without PAINTERS_SITE_B the comparison is skipped
and only the comparer's own tests run (they are fast, and part of `make test`).

What may differ between two honest builds, and is masked before comparing (VOLATILE):
wall-clock measurements the pages report as such, the sitemap's build date, and the folder the
build ran in (it shows in tracebacks of a failed block). Everything else must match exactly.
Material and markdown-exec inject nothing random here: markdown-exec's per-block placeholders
(uuid4) are replaced before the page is written, and ids are counted, not drawn.
"""

from __future__ import annotations

import difflib
import gzip
import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Volatile:
    pattern: re.Pattern[str] | Element
    replace: str | Callable[[re.Match[str]], str]
    reason: str


def _digits(match: re.Match[str]) -> str:
    return re.sub(r"\d+", "#", match.group())


ANYTHING = re.compile(r".*", re.S)


class Element:
    """The whole element each opening tag matching `opening` starts, through its own closing tag.

    A regular expression with a lazy `.*?</span>` stops at the first closing tag, which is an inner
    one when measured cells hold spans of their own (the score table's "0.20 × 4.9 = 0.98"): the
    part after it escaped the mask, and a clean CI run failed on "= 0.98 -> 0.97". This counts
    same-name tags, so the mask reaches the element's own end. Same interface as a compiled
    pattern's sub().
    """

    def __init__(self, opening: str):
        self.opening = re.compile(opening)
        self.pattern = self.opening.pattern

    def sub(self, replace: Callable[[re.Match[str]], str], text: str) -> str:
        out, at = [], 0
        while start := self.opening.search(text, at):
            name = start.group(1)
            tags = re.compile(rf"<(/?){name}\b[^>]*>")
            depth, end = 1, len(text)
            for tag in tags.finditer(text, start.end()):
                depth += -1 if tag.group(1) else 1
                if depth == 0:
                    end = tag.end()
                    break
            whole = ANYTHING.match(text, start.start(), end)  # the element, as a match for `replace`
            assert whole is not None
            out += [text[at : start.start()], replace(whole)]
            at = end
        return "".join(out) + text[at:]


def _blocks_in_any_order(match: re.Match[str]) -> str:
    rows = re.findall(r"<tr>.*?</tr>", re.sub(r"\d+", "#", match.group()), re.S)
    return '<div class="painters-times">' + "".join(sorted(rows)) + "</div>"


VOLATILE = [
    Volatile(
        Element(r'<(\w+)\b[^>]*\bclass="[^"]*\bmeasured\b[^"]*"[^>]*>'),
        _digits,
        'anything a page wraps in class="measured": a wall-clock time measured while it was built. '
        "This is the convention to use for new timings",
    ),
    Volatile(
        # "computed in 4.1 s at build", "one scene in 7.53 ms on the machine that built this page"
        re.compile(
            r"\d[\d,]*(?:\.\d+)?(?=\s*(?:ms|s|µs|min|seconds?|minutes?)\b"
            r"[^<>\"\\]{0,80}?(?:at build|machine that built))"
        ),
        "#",
        "wall-clock times the pages mark in words as measured while building ('at build', "
        "'the machine that built this page'): provenance captions, speed notes",
    ),
    Volatile(
        re.compile(r'<div class="painters-times"[^>]*>.*?</div>', re.S),
        _blocks_in_any_order,
        "the Computation times page: the slowest blocks of this build shown, the others folded; "
        "which block is slow enough to be shown is a wall-clock measurement, so rows may move between "
        "the two tables and reorder; the set of blocks is still compared",
    ),
    Volatile(
        re.compile(r"<lastmod>[^<]*</lastmod>"),
        "<lastmod>#</lastmod>",
        "sitemap.xml records the build date",
    ),
]

# The search index holds the pages' text without markup, so it cannot tell a measured number from a
# fixed one (a time, a speed-up ratio, a score term that uses a time): there every number is
# masked. Every number a reader sees is still compared, in the pages themselves.
SEARCH_INDEX_VOLATILE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _path_pattern(root: Path) -> re.Pattern[str]:
    # Code blocks split a path into highlighted tokens: allow tags between its characters.
    return re.compile("(?:</?span[^>]*>)*".join(map(re.escape, str(root))))


def normalise(text: str, roots: tuple[Path, ...] = (), name: str = "") -> str:
    """The text of a built file with what may honestly differ between builds masked."""
    for root in sorted(roots, key=lambda p: -len(str(p))):  # a tree inside another first
        text = _path_pattern(root).sub("<repo>", text)
    for volatile in VOLATILE:
        text = volatile.pattern.sub(volatile.replace, text)
    if name.endswith("search_index.json"):
        text = SEARCH_INDEX_VOLATILE.sub("#", text)
    return text


# A figure as pages carry it: an inline picture (data URI) or an inline SVG chart.
FIGURE = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+|<svg\b.*?</svg>", re.S)
ALT = re.compile(r'\balt="([^"]*)"|\baria-label="([^"]*)"')


def figures(text: str) -> list[tuple[str, str]]:
    """(label, figure) for each figure in a page, in order; the label is its alt text."""
    found = []
    for match in FIGURE.finditer(text):
        near = text[match.end() : match.end() + 2000] if match.group().startswith("data:") else match.group()[:2000]
        alt = ALT.search(near)
        label = html.unescape(next(g for g in alt.groups() if g is not None)) if alt else "no alt text"
        found.append((label[:70], match.group()))
    return found


def compare_file(name: str, a: bytes, b: bytes, roots: tuple[Path, ...] = ()) -> list[str]:
    """Why two builds of one file differ (empty if they do not)."""
    if a == b:
        return []
    if name.endswith(".gz"):
        a, b, name = gzip.decompress(a), gzip.decompress(b), name.removesuffix(".gz")
    if not name.endswith((".html", ".xml", ".json", ".txt", ".svg", ".css", ".js")):
        return [f"{name}: the bytes differ"]
    text_a, text_b = normalise(a.decode("utf-8"), roots, name), normalise(b.decode("utf-8"), roots, name)
    if text_a == text_b:
        return []
    problems = []
    figs_a, figs_b = figures(text_a), figures(text_b)
    if len(figs_a) != len(figs_b):
        problems.append(f"{name}: {len(figs_a)} figures in one build, {len(figs_b)} in the other")
    for i, ((label, fa), (_, fb)) in enumerate(zip(figs_a, figs_b, strict=False), 1):
        if fa != fb:
            problems.append(f"{name}: figure {i} ({label!r}) is not byte-identical")
    rest_a, rest_b = FIGURE.sub("<figure>", text_a), FIGURE.sub("<figure>", text_b)
    if rest_a != rest_b:
        problems.append(f"{name}: the text differs (numbers?):\n" + "\n".join(differences(rest_a, rest_b)))
    return problems


def differences(a: str, b: str, limit: int = 6, context: int = 50) -> list[str]:
    """The first few places where two texts differ, each with a little context either side."""
    shown: list[str] = []
    lines_a, lines_b = a.splitlines(), b.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, lines_a, lines_b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        old, new = "\n".join(lines_a[i1:i2]), "\n".join(lines_b[j1:j2])
        for op, k1, k2, l1, l2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            before, after = old[max(0, k1 - context) : k1], old[k2 : k2 + context]
            text = f"    line {i1 + 1}: ...{before}[{old[k1:k2]} -> {new[l1:l2]}]{after}..."
            shown.append(text.replace("\n", " "))
            if len(shown) == limit:
                return shown
    return shown


def compare_sites(a: Path, b: Path, roots: tuple[Path, ...] = ()) -> tuple[list[str], int]:
    """Every difference between two built sites, and how many files were compared."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    problems = [f"{name}: only in build A ({a})" for name in sorted(files_a - files_b)]
    problems += [f"{name}: only in build B ({b})" for name in sorted(files_b - files_a)]
    for name in sorted(files_a & files_b):
        problems += compare_file(name, (a / name).read_bytes(), (b / name).read_bytes(), roots)
    return problems, len(files_a & files_b)


# --- the real thing: two builds ---------------------------------------------------------------

SITE_A = Path(os.environ.get("PAINTERS_SITE_A", ROOT / "site"))
SITE_B = os.environ.get("PAINTERS_SITE_B")
TREE_B = os.environ.get("PAINTERS_TREE_B")


@pytest.mark.skipif(not SITE_B, reason="needs a second clean build: `make determinism` (part of `make check`)")
def test_two_clean_builds_are_identical():
    b = Path(SITE_B or "")
    assert (SITE_A / "index.html").exists(), f"no build in {SITE_A}"
    assert (b / "index.html").exists(), f"no build in {b}"
    roots = (ROOT, *([Path(TREE_B)] if TREE_B else []))
    problems, compared = compare_sites(SITE_A, b, roots)
    pages = sum(1 for p in b.rglob("*.html"))
    figs = sum(len(figures(p.read_text("utf-8"))) for p in b.rglob("*.html"))
    print(f"determinism: compared {compared} files ({pages} pages, {figs} figures) of {SITE_A} and {b}")
    hint = (
        "\nA number that is a wall-clock time measured while building may differ: mark it in the page "
        '(<span class="measured">15.0 ms</span>; see VOLATILE in tests/test_determinism.py). Anything else '
        "is a build that depends on more than its commit: a seed, an unsorted listing, a date, a cache."
    )
    assert not problems, f"{len(problems)} difference(s) between two clean builds:\n" + "\n".join(problems) + hint


# --- the comparer, on small made-up builds ------------------------------------------------------

PNG_A = "data:image/png;base64,iVBORw0KGgoAAAA"
PNG_B = "data:image/png;base64,iVBORw0KGgoBBBB"


def page(*, figure: str = PNG_A, seconds: str = "4.1", number: str = "0.83") -> str:
    return (
        f'<figure><img src="{figure}" alt="Sixteen red bicycles on a beach"></figure>'
        f'<p class="provenance">seed 0 · computed in {seconds} s at build</p>'
        f"<p>The renderer draws one scene in {seconds} ms on the machine that built this page.</p>"
        f"<p>Fidelity is {number}; training took 19.5 min on CPU.</p>"
    )


def build(tmp_path: Path, name: str, date: str = "2026-11-27", **kwargs: str) -> Path:
    root = tmp_path / name
    (root / "gan").mkdir(parents=True)
    (root / "gan" / "index.html").write_text(page(**kwargs))
    (root / "sitemap.xml").write_text(f"<url><lastmod>{date}</lastmod></url>")
    (root / "sitemap.xml.gz").write_bytes(gzip.compress(b"<url/>", mtime=len(name)))
    return root


def test_identical_builds_pass_and_timings_dates_and_gzip_headers_are_masked(tmp_path):
    a = build(tmp_path, "a")
    b = build(tmp_path, "bb", seconds="17.0", date="2026-11-28")
    assert compare_sites(a, b) == ([], 3)


def test_a_changed_figure_is_named_by_page_and_alt_text(tmp_path):
    problems, _ = compare_sites(build(tmp_path, "a"), build(tmp_path, "b", figure=PNG_B))
    assert problems == ["gan/index.html: figure 1 ('Sixteen red bicycles on a beach') is not byte-identical"]


def test_a_changed_number_is_shown_with_its_line(tmp_path):
    problems, _ = compare_sites(build(tmp_path, "a"), build(tmp_path, "b", number="0.84"))
    assert len(problems) == 1
    assert problems[0].startswith("gan/index.html: the text differs")
    assert "Fidelity is 0.8[3 -> 4]; training" in problems[0]


def test_a_time_not_marked_as_measured_at_build_still_counts():
    # "19.5 min on CPU" comes from a checkpoint's manifest: fixed, so it must match.
    assert compare_file("x.html", b"took 19.5 min on CPU", b"took 19.6 min on CPU")


def test_missing_files_and_binary_differences_are_named(tmp_path):
    a, b = build(tmp_path, "a"), build(tmp_path, "b")
    (a / "extra.png").write_bytes(b"\x89PNG1")
    (b / "extra.png").write_bytes(b"\x89PNG2")
    (b / "new" / "index.html").parent.mkdir()
    (b / "new" / "index.html").write_text("hi")
    problems, _ = compare_sites(a, b)
    assert problems == [f"new/index.html: only in build B ({b})", "extra.png: the bytes differ"]


def test_build_folders_in_tracebacks_are_masked(tmp_path):
    tree = tmp_path / "tree"
    a = f'File "{ROOT}/src/painters/store.py", line 3'.encode()
    b = f'File "{tree}/src/painters/store.py", line 3'.encode()
    assert compare_file("x.html", a, b, (ROOT, tree)) == []


def test_measured_spans_the_timing_table_and_the_search_index_are_masked():
    a = '<p>took <span class="measured">4.1 s</span>, 19.5 min of training</p>'
    b = '<p>took <span class="measured">12.0 s</span>, 19.5 min of training</p>'
    assert compare_file("p.html", a.encode(), b.encode()) == []
    # a measured cell holding spans of its own is masked through its own end, not the first </span>
    cell = '<td><span class="measured"><span>0.20 × {}</span> <span>= {}</span></span></td><td>{}</td>'
    assert compare_file("s.html", cell.format(4.9, 0.98, 7).encode(), cell.format(4.8, 0.97, 7).encode()) == []
    assert compare_file("s.html", cell.format(4.9, 0.98, 7).encode(), cell.format(4.9, 0.98, 8).encode())
    table = (
        '<div class="painters-times"><table><thead><tr><th>block</th><th>time</th><th>share</th></tr></thead>'
        "<tbody>{}</tbody></table></div>"
    )
    assert (
        compare_file("t.html", table.format("<td>1.2 s</td>").encode(), table.format("<td>3.4 s</td>").encode()) == []
    )
    index = '{"docs": [{"text": "took %s s, share %s%%, 19.5 steps"}]}'
    assert compare_file("search/search_index.json", (index % (1, 2)).encode(), (index % (3, 4)).encode()) == []
    # the index masks every number (the pages are where numbers are compared), but not words
    assert compare_file(
        "search/search_index.json", (index % (1, 2)).encode(), (index % (1, 2)).replace("steps", "stops").encode()
    )


def test_every_volatile_pattern_is_explained():
    for volatile in VOLATILE:
        assert len(volatile.reason) > 20


def test_computation_times_rows_may_reorder_but_not_change():
    head = "<table><thead><tr><th>block</th><th>time</th><th>share</th></tr></thead><tbody>"

    def table(*rows: tuple[str, str]) -> bytes:
        body = "".join(f"<tr><td>snippets/{name}</td><td>{t}</td></tr>" for name, t in rows)
        return ('<div class="painters-times">' + head + body + "</tbody></table></div>").encode()

    a = table(("a.py", "2.0 s"), ("b.py", "1.0 s"))
    b = table(("b.py", "3.1 s"), ("a.py", "0.5 s"))
    c = table(("b.py", "3.1 s"), ("c.py", "0.5 s"))
    assert compare_file("computation-times/index.html", a, b) == []
    assert compare_file("computation-times/index.html", a, c)


def test_computation_times_blocks_may_move_between_shown_and_folded():
    def page(shown: str, folded: str) -> bytes:
        def table(name: str) -> str:
            return f"<table><tbody><tr><td>snippets/{name}</td><td>1.0 s</td></tr></tbody></table>"

        return (
            f'<div class="painters-times" data-search-exclude>{table(shown)}'
            f'<details class="painters-more"><summary>The other 1 blocks</summary>{table(folded)}</details></div>'
        ).encode()

    assert compare_file("computation-times/index.html", page("a.py", "b.py"), page("b.py", "a.py")) == []
    assert compare_file("computation-times/index.html", page("a.py", "b.py"), page("a.py", "c.py"))
