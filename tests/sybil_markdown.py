"""Sybil for this site's Markdown: run every Python fence in ``docs/``, as the build would.

Sybil's stock Markdown ``PythonCodeBlockParser`` only collects fences labelled exactly
``python``, so every markdown-exec fence (```` ```python exec="on" html="1" ````) would be skipped
without a word. This parser collects every fence whose language is ``python`` or ``py``,
whatever options follow, and

* expands pymdownx.snippets include lines (``--8<-- "snippets/x.py"``, with ``:section`` or
  ``:start:end`` line ranges, and the block form) by reading the files relative to the repository
  root, the same ``base_path`` as ``mkdocs.yml``;
* compiles included text under the included file's own path and line numbers, so a traceback
  names ``snippets/x.py`` and its line, and inline text under the page's path and line;
* captures ``print`` the way markdown-exec does (the output is not checked);
* gives each ``exec`` fence a fresh namespace (markdown-exec's default), shares one per
  ``session=`` name within a page, and lets plain fences share the page's namespace, read top
  to bottom. A fence that only shows a section of a package module runs in a copy of that
  module's globals, so a class or function shown on its own still has its imports.
"""

from __future__ import annotations

import functools
import importlib
import io
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: Directories an include path is resolved against: pymdownx.snippets' ``base_path``.
BASE_PATHS = (ROOT,)
LANGUAGES = ("python", "py")

# The fence's info string: a language word, then anything (markdown-exec options, a title, ...).
INFO = re.compile(r"[ \t]*(?P<language>[\w+-]+)(?P<options>[^\n]*)$\n", re.MULTILINE)
OPTION = re.compile(r"""(?P<key>[\w-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))""")
# pymdownx.snippets include lines: inline (`--8<-- "path"`) and the block form's fences.
INCLUDE = re.compile(r"""^(?P<space>[ \t]*)(?P<escape>;*)-+8<-+[ \t]+(?P<q>["'])(?P<spec>.+?)(?P=q)[ \t]*$""")
BLOCK_MARKER = re.compile(r"^[ \t]*-+8<-+[ \t]*$")
SECTION_MARKER = r"-+8<-+[ \t]+\[[ \t]*{kind}[ \t]*:[ \t]*{name}[ \t]*\]"
TRUTHY = {"1", "on", "true", "yes"}


@dataclass(frozen=True)
class Piece:
    """A run of source lines that came from one file, starting at ``line`` (1-based) there."""

    text: str
    path: Path
    line: int


@dataclass(frozen=True)
class Block:
    """One Python fence, ready to run: its pieces in order and how it should be run."""

    pieces: tuple[Piece, ...]
    executed: bool  # markdown-exec runs it at build (exec="on")
    session: str | None
    module: str | None  # every piece comes from this package module (a shown section)

    @property
    def source(self) -> str:
        """The code as the built page shows it (includes expanded)."""
        return "".join(piece.text for piece in self.pieces)


def parse_options(options: str) -> dict[str, str]:
    """``exec="on" source="above"`` as a dict."""
    return {m["key"]: next(v for v in (m["dq"], m["sq"], m["bare"]) if v is not None) for m in OPTION.finditer(options)}


def include_specs(text: str) -> Iterator[str]:
    """Every include spec (``path`` or ``path:section`` ...) in a Markdown text or fence body."""
    in_block = False
    for line in text.splitlines():
        if BLOCK_MARKER.match(line):
            in_block = not in_block
            continue
        if in_block:
            if line.strip() and not line.lstrip().startswith(";"):
                yield line.strip()
            continue
        m = INCLUDE.match(line)
        if m and not m["escape"]:
            yield m["spec"]


def split_spec(spec: str) -> tuple[str, str | None, tuple[int, int | None] | None]:
    """Split ``path``, ``path:name`` or ``path:start[:end]`` into (path, section, lines)."""
    m = re.fullmatch(r"(?P<path>.+?):(?P<start>-?\d*)(?::(?P<end>-?\d*))?", spec)
    if m and (m["start"] or m["end"]):
        start = int(m["start"]) if m["start"] else 1
        end = int(m["end"]) if m["end"] else None
        if start < 1 or (end is not None and end < start):
            raise ValueError(f"include {spec!r}: only plain 1-based line ranges are supported")
        return m["path"], None, (start, end)
    m = re.fullmatch(r"(?P<path>.+?):(?P<name>[A-Za-z][-_0-9A-Za-z]*)", spec)
    if m:
        return m["path"], m["name"], None
    return spec, None, None


def resolve_include(path: str) -> Path:
    """Find an include's file the way pymdownx.snippets does: under one of the base paths."""
    for base in BASE_PATHS:
        candidate = (base / path).resolve()
        if candidate.is_file() and candidate.is_relative_to(base):
            return candidate
    raise FileNotFoundError(f"include {path!r} not found under {', '.join(str(b) for b in BASE_PATHS)}")


def read_include(spec: str) -> Piece:
    """The lines an include inserts, with the file and line they start at."""
    path_text, section, lines = split_spec(spec)
    path = resolve_include(path_text)
    all_lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if all_lines and not all_lines[-1].endswith("\n"):
        all_lines[-1] += "\n"
    if lines is not None:
        start, end = lines
        return Piece("".join(all_lines[start - 1 : end]), path, start)
    if section is not None:
        start_re = re.compile(SECTION_MARKER.format(kind="start", name=re.escape(section)))
        end_re = re.compile(SECTION_MARKER.format(kind="end", name=re.escape(section)))
        first = next((i for i, s in enumerate(all_lines) if start_re.search(s)), None)
        if first is None:
            raise ValueError(f"include {spec!r}: no '--8<-- [start:{section}]' marker in {path}")
        last = next((i for i in range(first, len(all_lines)) if end_re.search(all_lines[i])), None)
        if last is None:
            raise ValueError(f"include {spec!r}: no '--8<-- [end:{section}]' marker in {path}")
        # Shown without its markers; indented sections (a method) are dedented to run.
        return Piece(textwrap.dedent("".join(all_lines[first + 1 : last])), path, first + 2)
    return Piece("".join(all_lines), path, 1)


def expand(body: str, page: Path, first_line: int) -> tuple[Piece, ...]:
    """Split a fence body into pieces: inline runs (page lines) and included files."""
    pieces: list[Piece] = []
    run: list[str] = []
    run_start = first_line
    indented = False

    def flush(next_line: int) -> None:
        nonlocal run, run_start
        if run:
            pieces.append(Piece("".join(run), page, run_start))
        run, run_start = [], next_line

    lines = body.splitlines(keepends=True)
    in_block = False
    for number, line in enumerate(lines, start=first_line):
        if BLOCK_MARKER.match(line):
            flush(number + 1)
            in_block = not in_block
            continue
        if in_block:
            if line.strip() and not line.lstrip().startswith(";"):
                pieces.append(read_include(line.strip()))
            run_start = number + 1
            continue
        m = INCLUDE.match(line)
        if m and not m["escape"]:
            flush(number + 1)
            indented = indented or bool(m["space"])
            piece = read_include(m["spec"])
            text = textwrap.indent(piece.text, m["space"]) if m["space"] else piece.text
            pieces.append(Piece(text, piece.path, piece.line))
            continue
        if m:  # an escaped include (;--8<--) is shown as text, one ';' lighter
            line = line.replace(";", "", 1)
        run.append(line)
    flush(first_line + len(lines))
    if indented:
        # An include indented inside a statement can't be compiled on its own: run the whole
        # expanded text under the page's name instead (tracebacks then point at the page).
        return (Piece("".join(p.text for p in pieces), page, first_line),)
    return tuple(pieces)


def package_module(pieces: Iterable[Piece]) -> str | None:
    """``painters.x`` when every piece comes from ``src/painters/x.py``, else None."""
    paths = {piece.path for piece in pieces}
    if len(paths) != 1:
        return None
    (path,) = paths
    src = ROOT / "src"
    if not path.is_relative_to(src):
        return None
    return ".".join(path.relative_to(src).with_suffix("").parts)


class PythonFenceParser:
    """Sybil parser: one example per Python fence, whatever options its info string has."""

    def __init__(self) -> None:
        self.lexer = RawFencedCodeBlockLexer(info_pattern=INFO)

    def __call__(self, document: Document) -> Iterable[Region]:
        page = Path(document.path)
        for region in self.lexer(document):
            if str(region.lexemes["language"]).lower() not in LANGUAGES:
                continue
            options = parse_options(str(region.lexemes["options"]))
            body = str(region.lexemes["source"])
            fence_line = document.text.count("\n", 0, region.start) + 1
            pieces = expand(body, page, fence_line + 1)
            region.parsed = Block(
                pieces=pieces,
                executed=options.get("exec", "").lower() in TRUTHY,
                session=options.get("session"),
                module=package_module(pieces) if pieces else None,
            )
            region.evaluator = evaluate
            yield region


def _namespace(example: Example, block: Block) -> dict[str, Any]:
    if block.module is not None:
        return dict(vars(importlib.import_module(block.module)))
    if block.executed and block.session is None:
        return {}
    if block.executed:
        sessions = example.namespace.setdefault("_markdown_exec_sessions", {})
        return sessions.setdefault(block.session, {})  # type: ignore[no-any-return]
    return example.namespace


def evaluate(example: Example) -> None:
    """Run a fence's pieces in order, each compiled under its own file and line."""
    __tracebackhide__ = True
    block: Block = example.parsed
    namespace = _namespace(example, block)
    # markdown-exec runs blocks under a module name that is never "__main__".
    namespace.setdefault("__name__", "markdown_exec_block")
    output = io.StringIO()
    namespace["print"] = functools.partial(print, file=output)
    try:
        for piece in block.pieces:
            code = compile("\n" * (piece.line - 1) + piece.text, str(piece.path), "exec", dont_inherit=True)
            exec(code, namespace)
    finally:
        namespace.pop("print", None)
        namespace.pop("__builtins__", None)
        _close_figures()


def _close_figures() -> None:
    """Pages that draw with matplotlib must not leave figures open for the next example."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def make_sybil() -> Sybil:
    """The Sybil that the root conftest hands to pytest (and that test_docs counts)."""
    return Sybil(parsers=[PythonFenceParser()], path=str(DOCS), patterns=["*.md"])
