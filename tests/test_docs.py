"""Tests that keep the docs honest: nothing skipped, every snippet runs and is used, every
include exists, no measured number typed into prose, and the site configuration keeps the
promises the README makes."""

import collections
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from sybil_markdown import DOCS, ROOT, include_specs, make_sybil, read_include, split_spec

SNIPPETS = sorted((ROOT / "snippets").rglob("*.py"))
# A fence opening whose language is python or py, whatever follows (options, title).
PYTHON_FENCE = re.compile(r"^[ \t>]*(?:[-*+][ \t]+)?(?:`{3,}|~{3,})[ \t]*(?:python|py)\b", re.M)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def mkdocs_config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
    Loader.add_multi_constructor("!ENV", lambda *_: None)  # site_url: where the site lives, from SITE_URL
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


# Everything Markdown under docs/ (Sybil collects them all), and the pages the build makes of
# them: not the folders mkdocs.yml excludes (diagram sources, widgets that pages include).
MARKDOWN = sorted(DOCS.rglob("*.md"))
EXCLUDED = tuple(line.strip() for line in mkdocs_config().get("exclude_docs", "").splitlines() if line.strip())
PAGES = [page for page in MARKDOWN if not rel(page).removeprefix("docs/").startswith(EXCLUDED)]


def test_there_are_pages_and_snippets():
    assert PAGES
    assert SNIPPETS


@pytest.mark.parametrize("page", MARKDOWN, ids=rel)
def test_sybil_collects_every_python_fence(page):
    fences = len(PYTHON_FENCE.findall(page.read_text(encoding="utf-8")))
    examples = list(make_sybil().parse(page))
    assert len(examples) == fences, f"{rel(page)}: {fences} python fences, Sybil found {len(examples)}"


def test_sybil_collects_something():
    # A parser that silently collects nothing would pass every per-page count of zero.
    assert sum(len(list(make_sybil().parse(page))) for page in PAGES) > 0


def includes_by_page() -> dict[str, list[str]]:
    return {rel(page): list(include_specs(page.read_text(encoding="utf-8"))) for page in MARKDOWN}


def test_every_include_exists():
    missing = []
    for page, specs in includes_by_page().items():
        for spec in specs:
            try:
                read_include(spec)
            except (FileNotFoundError, ValueError) as error:
                hint = " (a browser widget: written with the in-page painters)" if "docs/widgets/" in spec else ""
                missing.append(f"{page} includes {spec!r}{hint}: {error}")
    assert not missing, "\n".join(missing)


def test_every_snippet_is_used_by_a_page():
    used = {split_spec(spec)[0] for specs in includes_by_page().values() for spec in specs}
    unused = [rel(snippet) for snippet in SNIPPETS if rel(snippet) not in used]
    assert not unused, f"snippets no page includes: {unused}"


def test_every_markdown_a_page_includes_is_excluded_from_the_build_as_a_page():
    # An included piece (a widget) built as a page of its own would be a broken, unlinked page.
    included = {split_spec(spec)[0] for specs in includes_by_page().values() for spec in specs}
    pieces = sorted(path for path in included if path.startswith("docs/") and path.endswith(".md"))
    built = [path for path in pieces if not path.removeprefix("docs/").startswith(EXCLUDED)]
    assert not built, f"add their folder to exclude_docs in mkdocs.yml: {built}"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=rel)
def test_no_snippet_writes_its_own_caption(snippet):
    # The fence formatter (painters.blocks) puts the provenance caption under every executed
    # block: which checkpoints, how long the block took. A snippet that printed its own would
    # show two, and carry plumbing that is not the idea it shows.
    source = snippet.read_text(encoding="utf-8")
    assert "provenance(" not in source, f"{rel(snippet)} prints a provenance caption; the build adds it"


SOLE_INCLUDE = re.compile(r"^```python[^\n]*exec=\"on\"[^\n]*\n--8<-- \"(?P<path>[^\"]+)\"\n```$", re.MULTILINE)


def test_every_snippet_runs_on_its_own():
    # Sybil runs every exec fence in a fresh namespace, as markdown-exec does. A fence whose whole
    # body is one include therefore runs that snippet on its own, exactly as `python snippets/x.py`
    # would, and a failure names the snippet's file and line. Requiring such a fence for every
    # snippet runs each one once per test run instead of twice (sampling snippets are not cheap).
    alone = {m["path"] for page in PAGES for m in SOLE_INCLUDE.finditer(page.read_text(encoding="utf-8"))}
    missing = [rel(snippet) for snippet in SNIPPETS if rel(snippet) not in alone]
    assert not missing, f"snippets not run on their own by any page fence: {missing}"


def extension(config: dict, name: str) -> dict:
    for entry in config["markdown_extensions"]:
        if entry == name:
            return {}
        if isinstance(entry, dict) and name in entry:
            return entry[name] or {}
    raise AssertionError(f"{name} is not in mkdocs.yml's markdown_extensions")


def test_mkdocs_config_keeps_pages_offline_and_includes_checked():
    config = mkdocs_config()
    assert config["theme"]["font"] is False  # no Google Fonts
    snippets = extension(config, "pymdownx.snippets")
    assert snippets["check_paths"] is True
    assert snippets["base_path"] == ["."]  # what tests/sybil_markdown.py resolves against
    plugins = {next(iter(p)) if isinstance(p, dict) else p: p for p in config["plugins"]}
    # no pyodide CDN: the plugin registers no language itself, and the one python fence is
    # markdown-exec's own formatter behind painters.site.blocks.timed_formatter
    assert plugins["markdown-exec"]["markdown-exec"]["languages"] == []
    fences = extension(config, "pymdownx.superfences")["custom_fences"]
    assert [f["name"] for f in fences] == ["python"]
    assert "!!python/name:painters.site.blocks.timed_formatter" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "privacy" not in plugins
    # One hook module (see its docstring): the pages' checks, math, search and lab notebooks, tested by
    # tests/test_mkdocs_hooks.py and tests/test_search_hooks.py.
    assert config["hooks"] == ["src/painters/site/hooks.py"]
    jupyter = plugins["mkdocs-jupyter"]["mkdocs-jupyter"]
    assert jupyter["allow_errors"] is False  # a failing cell fails the build
    assert jupyter["execute"] is True
    assert jupyter["include"] == ["labs/*.ipynb"]  # not every .py under docs/


def nav_entries(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [e for value in nav.values() for e in nav_entries(value)]
    return [e for entry in nav for e in nav_entries(entry)]  # type: ignore[attr-defined]


def test_every_page_is_in_the_nav_and_every_nav_entry_exists():
    nav = nav_entries(mkdocs_config()["nav"])
    pages = [*PAGES, *sorted(DOCS.rglob("*.ipynb"))]
    built = sorted(rel(page).removeprefix("docs/") for page in pages)
    assert not set(built) - set(nav), f"pages not in mkdocs.yml's nav: {sorted(set(built) - set(nav))}"
    assert not set(nav) - set(built), f"nav entries with no page: {sorted(set(nav) - set(built))}"
    assert sorted(nav) == built, "a page is in the nav twice"


# --- no measured number typed into prose ------------------------------------------------------
# Every measured number on the site is printed by the code that measures it, at build. A number
# with a unit typed into a chapter's prose ("359 s", "30%", "4x") goes stale the day the
# checkpoints are retrained, so the prose of docs/*.md may only hold the lesson's own figures,
# each listed here with its reason: a new typed number fails until it is printed by code (or,
# if it is the lesson's own, listed).

_FENCE_OPEN = re.compile(r"^[ \t>]*(?:[-*+][ \t]+)?(`{3,}|~{3,})")
_INCLUDE_LINE = re.compile(r"^[ \t]*;?-+8<-+")
_BLANK = [
    re.compile(r"\$\$.*?\$\$", re.S),  # display math
    re.compile(r"(?<![\\$])\$[^$\n]+?(?<!\\)\$"),  # inline math
    re.compile(r"<!--.*?-->", re.S),  # comments
    re.compile(r"\]\([^)\n]*\)"),  # link targets: [text](target)
    re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S.*$", re.M),  # reference definitions
    re.compile(r'\b(?:href|src)="[^"]*"'),  # link targets in raw HTML
]
#: A number followed by a unit of time, a share or a ratio; not 32x32 or 4 × 4 (sizes).
TYPED_NUMBER = re.compile(
    r"(?<![\w.\-/#])\d+(?:[.,]\d+)*[ \u00a0\u202f]?"
    r"(?:ms|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|%|x|×|times)(?![\w%])(?![ \u00a0]?\d)"
)
WEIGHTS = "the lesson's weights, in its score formula"
#: (page, the typed text) -> (how many times, why it may be typed)
ALLOWED_NUMBERS: dict[tuple[str, str], tuple[int, str]] = {
    ("compare.md", "0.35 ×"): (2, WEIGHTS),
    ("compare.md", "0.20 ×"): (1, WEIGHTS),
    ("compare.md", "0.10 ×"): (1, WEIGHTS),
    ("compare.md", "0.2 seconds"): (1, "the lesson's imagined GAN time in its worked example"),
    ("compare.md", "10 times"): (1, "a definition, not a measurement: our 0..10 prompt match is 10 times a share"),
    ("compare.md", "90%"): (1, "a choice, not a measurement: the level of the protocol's intervals"),
    ("index.md", "12 minutes"): (1, "the lesson's own reading time"),
    ("recall.md", "5 minutes"): (1, "the lesson's own time for its 'Apply now' exercise"),
}


def prose(text: str) -> list[str]:
    """The page's lines with everything but prose blanked: code fences, include lines, math,
    comments and link targets (line numbers kept)."""
    lines, fence = [], ""
    for line in text.splitlines():
        opening = _FENCE_OPEN.match(line)
        if fence:
            closing = opening and opening[1][0] == fence[0] and len(opening[1]) >= len(fence)
            if closing and not line.strip()[len(opening[1]) :].strip():
                fence = ""
            lines.append("")
        elif opening:
            fence = opening[1]
            lines.append("")
        else:
            lines.append("" if _INCLUDE_LINE.match(line) else line)
    kept = "\n".join(lines)
    for pattern in _BLANK:
        kept = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), kept)
    return kept.split("\n")


def typed_numbers() -> list[tuple[str, int, str, str]]:
    """(page, line number, the typed text, the line) for every number with a unit in prose."""
    found = []
    for page in sorted(DOCS.glob("*.md")):
        for number, line in enumerate(prose(page.read_text(encoding="utf-8")), start=1):
            for match in TYPED_NUMBER.finditer(line):
                found.append((page.name, number, match[0].replace("\u00a0", " "), line.strip()))
    return found


def test_no_measured_number_is_typed_into_prose():
    found = typed_numbers()
    counts = collections.Counter((page, text) for page, _, text, _ in found)
    unexpected = [
        f"docs/{page}:{line}: {text!r} in: {context[:120]}"
        for page, line, text, context in found
        if counts[page, text] > ALLOWED_NUMBERS.get((page, text), (0, ""))[0]
    ]
    assert not unexpected, (
        "numbers typed into prose (print them from the code that measures them, or, if they are "
        "the lesson's own, list them in ALLOWED_NUMBERS with the reason):\n" + "\n".join(unexpected)
    )


def test_the_allowed_typed_numbers_are_all_still_there():
    counts = collections.Counter((page, text) for page, _, text, _ in typed_numbers())
    stale = {key: n for key, (n, _) in ALLOWED_NUMBERS.items() if counts[key] < n}
    assert not stale, f"ALLOWED_NUMBERS lists more than the pages hold now; trim it: {stale}"


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("It took 359 s on our machine.", ["359 s"]),
        ("about 30% of them, 4x faster, 12.5 ms each", ["30%", "4x", "12.5 ms"]),
        ("2 minutes, 3 hours, 10 times as long", ["2 minutes", "3 hours", "10 times"]),
        ("32x32 pictures, 4 × 4 blocks, 2 steps, 16 samples, gpt-4s", []),
        ("```python\nprint('359 s')\n```\n$t = 4 s$ and $$\n3 s\n$$", []),
        ('--8<-- "snippets/x_5s.py"\n[a link](page.md#took-5-s) <a href="x-5%">y</a>', []),
        ("!!! note\n\n    ```py\n    9 s\n    ```\n    but 7 s here", ["7 s"]),
    ],
)
def test_the_scan_sees_typed_numbers_in_prose_only(text, typed):
    assert [m[0] for line in prose(text) for m in TYPED_NUMBER.finditer(line)] == typed


# The parser itself, on small pages written here: it must collect what the build runs, and a
# failure must point into the included file.


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A throwaway root with a page and snippets; includes resolve against it."""
    import sybil_markdown

    monkeypatch.setattr(sybil_markdown, "BASE_PATHS", (tmp_path,))
    (tmp_path / "snippets").mkdir()

    def page(text: str, **snippets: str):
        for name, body in snippets.items():
            (tmp_path / "snippets" / f"{name}.py").write_text(body, encoding="utf-8")
        path = tmp_path / "page.md"
        path.write_text(text, encoding="utf-8")
        return list(make_sybil().parse(path))

    return page


FENCES = """\
# Title

```python exec="on" source="above" html="1"
--8<-- "snippets/ok.py"
```

```python
shared = 41
```

!!! note

    ```py title="indented"
    shared += 1
    print("captured, not shown")
    ```

```text
not python
```

```pycon
>>> not collected either
```
"""


def test_parser_collects_python_fences_with_options_and_runs_them(site, capsys):
    examples = site(FENCES, ok='x = 1\nprint("<p>hi</p>")\n')
    assert [e.line for e in examples] == [3, 7, 13]
    for example in examples:
        example.evaluate()
    assert examples[2].namespace["shared"] == 42  # plain fences share the page's namespace
    assert capsys.readouterr().out == ""  # print is captured, as markdown-exec does


def test_exec_fences_get_fresh_namespaces_unless_they_share_a_session(site):
    text = "".join(
        f'```python exec="on"{session}\n{code}\n```\n\n'
        for session, code in [
            (' session="a"', "value = 1"),
            (' session="a"', "assert value == 1"),
            ("", "assert 'value' not in globals()"),
        ]
    )
    for example in site(text):
        example.evaluate()


def test_a_failure_in_an_include_names_the_snippet_file_and_line(site, tmp_path):
    text = 'Some text.\n\n```python exec="on" html="1"\nbefore = 1\n--8<-- "snippets/bad.py"\n```\n'
    (example,) = site(text, bad="a = 1\n\nraise RuntimeError('broken on purpose')\n")
    with pytest.raises(RuntimeError, match="broken on purpose") as info:
        example.evaluate()
    frame = info.traceback[-1]
    assert Path(frame.path) == tmp_path / "snippets" / "bad.py"
    assert frame.lineno + 1 == 3  # pytest's lineno is 0-based


def test_a_failure_inline_names_the_page_line(site, tmp_path):
    (example,) = site("# T\n\n```python\nok = 1\n1 / 0\n```\n")
    with pytest.raises(ZeroDivisionError) as info:
        example.evaluate()
    assert Path(info.traceback[-1].path) == tmp_path / "page.md"
    assert info.traceback[-1].lineno + 1 == 5


def test_section_and_line_range_includes(site, tmp_path):
    module = (
        "import math\n"
        "# --8<-- [start:area]\n"
        "def area(r):\n"
        "    return math.pi * r * r\n"
        "# --8<-- [end:area]\n"
        "raise SystemExit('never run')\n"
    )
    (section, lines) = site(
        '```python\n--8<-- "snippets/geo.py:area"\n```\n\n```python\n--8<-- "snippets/geo.py:3:4"\n```\n',
        geo=module,
    )
    assert section.parsed.source == "def area(r):\n    return math.pi * r * r\n"
    assert section.parsed.pieces[0].line == 3
    assert lines.parsed.source == section.parsed.source
    with pytest.raises(ValueError, match=r"no '--8<-- \[start:nope\]' marker"):
        site('```python\n--8<-- "snippets/geo.py:nope"\n```\n', geo=module)


def test_a_missing_include_fails_at_collection(site):
    with pytest.raises(FileNotFoundError, match=r"snippets/missing\.py"):
        site('```python exec="on"\n--8<-- "snippets/missing.py"\n```\n')


def test_a_section_of_a_package_module_runs_with_the_modules_imports():
    from sybil_markdown import Block, evaluate, expand, package_module

    pieces = expand('--8<-- "src/painters/measure/lesson.py:lesson_score"\n', ROOT / "x.md", 2)
    assert package_module(pieces) == "painters.measure.lesson"

    block = Block(pieces, executed=False, session=None, module="painters.measure.lesson")
    evaluate(SimpleNamespace(namespace={}, parsed=block))  # type: ignore[arg-type]
