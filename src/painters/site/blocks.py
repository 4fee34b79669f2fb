"""The pages' executed code blocks: run, timed, captioned, and their code one click away.

mkdocs.yml routes every `python exec="on"` fence through `timed_formatter`. It runs the block
with markdown-exec and then lays the result out the same way on every page: the figure first,
a one-line caption saying which checkpoints it was drawn from,
and the block's code folded underneath ("Show the code"), so snippets hold the idea and none
of this plumbing. Every block's time is recorded for the Computation times page, the last
page of the build.
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging
import re
import time
from pathlib import Path
from typing import Any

from painters.checkpoints import store
from painters.core import paths
from painters.site import diagrams, figures

# snippet path -> seconds its block took in the latest build (the process-wide record of a build)
BLOCK_SECONDS: dict[str, float] = {}

#: Set by the mkdocs hooks under `mkdocs serve` only: a block whose code and inputs have not
#: changed since it last ran in this server is shown again instead of run again (see _reuse_key).
#: A `mkdocs build` runs every block, every time.
REUSE_BLOCKS = False
_REUSED: dict[str, tuple[str, float]] = {}  # key -> (the block's HTML, the seconds it took then)


def timed_formatter(source: str, language: str, css_class: str, options: dict[str, Any], md: Any, **kwargs: Any) -> str:
    """markdown-exec's fence formatter, timed and laid out: result, caption, folded code.

    Only executed blocks get here: markdown-exec's validator turns the others away (and takes
    `exec` out of the options, so it cannot be read here).
    """
    from markdown_exec import formatter

    key = _reuse_key(source, language, options) if REUSE_BLOCKS else None
    if key is not None and key in _REUSED:
        output, seconds = _REUSED[key]
        BLOCK_SECONDS[_snippet_of(source)] = seconds  # what the block costs, not what reuse did
        return output
    show_code = bool(options.get("source"))
    run_options = {**options, "source": ""}
    warnings = _Warnings()
    loggers = [logging.getLogger(name) for name in ("markdown_exec", "mkdocs.plugins.markdown_exec")]
    for logger in loggers:
        logger.addHandler(warnings)
    store.take_used()
    start = time.perf_counter()
    try:
        output = str(formatter(source, language, css_class, run_options, md, **kwargs))
    finally:
        seconds = BLOCK_SECONDS[_snippet_of(source)] = time.perf_counter() - start
        for logger in loggers:
            logger.removeHandler(warnings)
    used = store.take_used()
    if not warnings.seen:
        output += figures.provenance(used)
        if show_code:
            output += _folded_code(source, md)
    # Kept only if it ran cleanly (a failed block logs a warning, and must say so again next
    # time) and printed no heading (headings also feed the page's table of contents).
    if key is not None and not warnings.seen and not re.search(r"<h[1-6]\b", output):
        _REUSED[key] = (output, seconds)
    return output


def _folded_code(source: str, md: Any) -> str:
    """The block's code, highlighted, in a <details> that opens on a click."""
    from markdown_exec import MarkdownConverter, code_block

    shown = "\n".join(line for line in source.splitlines() if not line.rstrip().endswith("# markdown-exec: hide"))
    code = MarkdownConverter(md).convert(code_block("python", shown.strip("\n")))
    name = _snippet_of(source)
    label = f"Show the code (<code>{html.escape(name)}</code>)" if name.startswith("snippets/") else "Show the code"
    # Closed until asked for, and out of the search index: a search lands on the prose.
    return f'<details class="painters-code" data-search-exclude><summary>{label}</summary>{code}</details>'


class _Warnings(logging.Handler):
    """Notices whether markdown-exec logged a warning (it does when a block fails)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def _reuse_key(source: str, language: str, options: dict[str, Any]) -> str | None:
    """What decides a block's output under `mkdocs serve`: its code and options, and every file a
    block reads besides the package (the checkpoints' manifests, the committed benchmark
    results, the diagram sources). An edit to the package itself drops this module, and with it
    every kept output (mkdocs_hooks.reload_changed_package). The Computation times block reads
    this build's record, so it always runs."""
    if "computation_times(" in source:
        return None
    digest = hashlib.sha256(repr((source, language, sorted(map(str, options.items())))).encode())
    inputs = (
        (paths.CHECKPOINTS_DIR, "*.json"),
        (paths.PROJECT_DIR / "benchmarks", "*.json"),
        (diagrams.DIAGRAM_DIR, "*.txt"),
    )
    for folder, pattern in inputs:
        for path in sorted(folder.glob(pattern)):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()


def _snippet_texts() -> dict[str, str]:
    """{snippet's text: its path} for every file in snippets/, read again when one changes."""
    files = sorted((paths.PROJECT_DIR / "snippets").rglob("*.py"))
    return _snippet_texts_of(tuple((p, p.stat().st_mtime_ns) for p in files))


@functools.lru_cache(maxsize=1)
def _snippet_texts_of(files: tuple[tuple[Path, int], ...]) -> dict[str, str]:
    return {p.read_text(encoding="utf-8").strip(): str(p.relative_to(paths.PROJECT_DIR)) for p, _ in files}


def _snippet_of(source: str) -> str:
    return _snippet_texts().get(source.strip(), "inline block: " + source.strip().splitlines()[0][:60])


SHOWN_BLOCKS = 8  # the Computation times page lists the slowest few; the rest fold away


def computation_times() -> str:
    """The slowest blocks of this build and the total, with every other block folded away."""
    rows = sorted(BLOCK_SECONDS.items(), key=lambda item: -item[1])
    total = sum(BLOCK_SECONDS.values())

    def row(name: str, seconds: float) -> tuple[object, ...]:
        return (name, figures.measured(f"{seconds:.2f} s"), figures.measured(figures.percent(seconds / total)))

    head, rest = rows[:SHOWN_BLOCKS], rows[SHOWN_BLOCKS:]
    shown = [("all blocks", figures.measured(f"{total:.2f} s"), "100%")] + [row(*r) for r in head]
    out = figures.table(shown, ["block", "time", "share"], caption=f"The {len(head)} slowest of {len(rows)} blocks")
    if rest:
        others = sum(seconds for _, seconds in rest)
        out += (
            f'<details class="painters-more"><summary>The other {len(rest)} blocks, '
            f"{figures.measured(f'{others:.2f} s')} together</summary>"
            + figures.table([row(*r) for r in rest], ["block", "time", "share"])
            + "</details>"
        )
    return out
