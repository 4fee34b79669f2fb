"""The MkDocs hooks (the one module under `hooks:` in mkdocs.yml): what the build does besides
rendering Markdown, each job in the module that does it.

- on_files: MkDocs renders pages in the order of their files, not of the nav; the Computation
  times page reports every other page's executed blocks, so it is moved to the end.
- on_config: under `mkdocs serve` one process builds many times, and the pages' code runs in
  it (markdown-exec); after an edit to src/painters the modules are imported afresh (see
  `reload_changed_package`). The lab notebooks' cache folder is keyed (notebooks.py).
- on_pre_build: before any page runs, everything the build reads is checked (prebuild.py:
  the checkpoints, the way the pages load them, and their loss histories; the in-page
  painters' ONNX exports, made again where missing, stale or tampered with; the labs' cache;
  the benchmark results; the folders it writes): a problem stops the build within seconds,
  every one listed with its fix. Torch
  gets one thread (or $PAINTERS_THREADS). Under `mkdocs serve` only, a block whose code and
  inputs did not change since it last ran is shown again instead of run (blocks.py).
- on_pre_page: one line in the terminal as each page starts (its place among the pages and the
  build's time so far): a cold build runs minutes of code in a few pages, and the terminal of
  `make serve` or `make site` should not sit silent on "Cleaning site directory" meanwhile
  (the painting itself has a progress bar: metrics.paint).
- on_page_content: equations to MathML (no script, no font from anywhere; an equation that
  would show as raw TeX stops the build), then code, equations, provenance lines and the
  References sections kept out of the search index (search.py).
- on_post_page: the lab pages' fixes (notebooks.py); in each painter widget's status line,
  what its first Paint fetches, summed from the files (bundle.fill_costs).
- on_post_build: the in-page painters' runtime, models and prompt rules into the site,
  TensorFlow.js for the ring experiment on the GAN page, and a record of the labs' cache entries
  this build made (notebooks.record_cache).
"""

from __future__ import annotations

import importlib
import re
import sys
import time
from typing import Any

from painters.site import notebooks, search

LAST_PAGE = "computation-times.md"


#: The build's progress for on_pre_page: pages in all, pages started, when the build started.
_PROGRESS: dict[str, float] = {"pages": 0, "started": 0, "since": 0.0}


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import Files

    # exclude_docs' files (the widgets' sources) are pages MkDocs never renders: not counted
    _PROGRESS["pages"] = sum(1 for f in files if f.is_documentation_page() and f.inclusion.is_included())
    return Files([f for f in files if f.src_uri != LAST_PAGE] + [f for f in files if f.src_uri == LAST_PAGE])


# The source the modules in sys.modules were imported from. Kept on sys itself: MkDocs loads this
# hook file once per process, but tests load it afresh, and the answer is per process.
_SEEN = "_painters_source_seen_by_mkdocs_hooks"


def reload_changed_package(config: Any) -> bool:
    """Drop the painters modules if their source changed since the last build in this process;
    True if it did. The fence formatters are re-resolved from the new modules. (A build where
    only pages or snippets changed keeps them.)"""
    source, seen = notebooks.source_fingerprint(), getattr(sys, _SEEN, None)
    setattr(sys, _SEEN, source)
    if seen is None or seen == source:
        return False
    for name in [m for m in sys.modules if m == "painters" or m.startswith("painters.")]:
        del sys.modules[name]
    for fence in config["mdx_configs"].get("pymdownx.superfences", {}).get("custom_fences", []):
        formatter = fence.get("format")
        module = getattr(formatter, "__module__", "") or ""
        if module == "painters" or module.startswith("painters."):
            fence["format"] = getattr(importlib.import_module(module), formatter.__name__)
    return True


def on_config(config: Any) -> Any:
    reload_changed_package(config)
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is not None:
        plugin.config["cache_dir"] = str(notebooks.cache_folder())
    return config


_COMMAND = ["build"]  # this process's MkDocs command, from on_startup


def on_startup(command: str, dirty: bool) -> None:
    _COMMAND[0] = command


def on_pre_build(config: Any) -> None:
    from mkdocs.exceptions import PluginError

    from painters.core import machine
    from painters.site import blocks, prebuild

    machine.use_threads()
    problems = prebuild.problems(config)  # everything the build reads; the exports made again where stale
    if problems:
        raise PluginError("the build cannot start; each of these needs fixing first:\n  " + "\n  ".join(problems))
    blocks.BLOCK_SECONDS.clear()
    _FIRST_PAINT.clear()  # the exports may have changed since the last build (mkdocs serve)
    blocks.REUSE_BLOCKS = _COMMAND[0] == "serve"
    _PROGRESS.update(started=0, since=time.monotonic())


def on_pre_page(page: Any, config: Any, files: Any) -> Any:
    from mkdocs.plugins import get_plugin_logger

    _PROGRESS["started"] += 1
    seconds = round(time.monotonic() - _PROGRESS["since"])
    done, total = int(_PROGRESS["started"]), int(_PROGRESS["pages"])
    get_plugin_logger("painters").info(
        f"page {done} of {total}: {page.file.src_uri} (the build has run {seconds // 60} min {seconds % 60} s)"
    )
    return page


_MATH = re.compile(
    r'<(span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])\s*</\1>', re.S
)

# latex2mathml draws a sized delimiter written as a command (\big\lVert, \Bigl\langle) as the
# command's name, backslash and all; these are the characters it means.
_DELIMITERS = {
    "\\lVert": "\u2016", "\\rVert": "\u2016", "\\Vert": "\u2016", "\\|": "\u2016",
    "\\lvert": "|", "\\rvert": "|", "\\vert": "|",
    "\\langle": "\u27e8", "\\rangle": "\u27e9", "\\lbrace": "{", "\\rbrace": "}", "\\{": "{", "\\}": "}",
    "\\lfloor": "\u230a", "\\rfloor": "\u230b", "\\lceil": "\u2308", "\\rceil": "\u2309",
}  # fmt: skip
_RAW_DELIMITER = re.compile(r"(<mo\b[^>]*>)(\\(?:[A-Za-z]+|[|{}]))(</mo>)")
# Any TeX command left in the MathML's text: an equation latex2mathml did not understand.
_RAW_TEX = re.compile(r">[^<]*?(\\(?:[A-Za-z]+|[|{}]))[^<]*<")


class MathError(ValueError):
    """An equation that would reach the page as raw TeX."""


def math_to_mathml(html_text: str) -> str:
    """Replace arithmatex's \\( ... \\) and \\[ ... \\] (generic mode) with MathML (latex2mathml).

    Raises MathError, naming the equation, if any TeX command would be left in the page as text
    (latex2mathml writes a command it does not know as its name): every equation is drawn, or
    the build stops."""
    import html

    from latex2mathml.converter import convert

    def delimiter(match: re.Match[str]) -> str:
        return match[1] + _DELIMITERS.get(match[2], match[2]) + match[3]

    def replace(match: re.Match[str]) -> str:
        latex = html.unescape(match["inline"] if match["inline"] is not None else match["block"])
        display = "inline" if match["inline"] is not None else "block"
        mathml = _RAW_DELIMITER.sub(delimiter, convert(latex, display=display))
        raw = _RAW_TEX.search(mathml)
        if raw:
            raise MathError(f"latex2mathml leaves {raw[1]!r} as text in: {latex.strip()}")
        if display == "inline":
            return mathml
        return f'<div class="painters-math">{mathml}</div>'

    return _MATH.sub(replace, html_text)


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    from mkdocs.exceptions import PluginError

    try:
        html_text = math_to_mathml(html_text)
    except MathError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from error
    return search.exclude_from_search(html_text)


#: family -> what its widget's first Paint fetches (bundle.first_paint), once per build.
_FIRST_PAINT: dict[str, Any] = {}


def first_paint(family: str) -> Any:
    from painters.browser import bundle

    if family not in _FIRST_PAINT:
        _FIRST_PAINT[family] = bundle.first_paint(family)
    return _FIRST_PAINT[family]


def on_post_page(output: str, page: Any, config: Any) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        return notebooks.lab_page(output, page.file.src_uri, page.url, config["site_dir"])
    if 'class="painter-cost"' in output:
        from painters.browser import bundle

        output = bundle.fill_costs(output, first_paint)
    return output


def on_post_build(config: Any) -> None:
    from pathlib import Path

    from painters.browser import bundle

    bundle.copy_into_site(config["site_dir"])
    bundle.copy_tfjs_into_site(config["site_dir"])  # the ring experiment on the GAN page
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is not None:
        notebooks.record_cache(Path(plugin.config["cache_dir"]))
