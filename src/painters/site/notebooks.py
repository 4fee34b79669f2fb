"""The lab notebooks' pages (mkdocs-jupyter), made to behave like the rest of the site.

1. mkdocs-jupyter caches an executed notebook under a key made of the notebook's own bytes and
   the plugin's options, so a retrained checkpoint or a change to the painters' code would be
   served with the old outputs. `cache_folder()` keys its cache folder on the committed
   checkpoints' manifests and the package's source as well: any of them changing re-executes
   the labs. The plugin ships a cache entry's HTML as it finds it, and a truncated one stops
   the build: each build records the sha256 of the entries it made (`record_cache`), and the
   next deletes, before any page runs, every entry that is not one of them unchanged
   (`check_cache`), so its notebook is executed again.
2. nbconvert's page template loads MathJax from a CDN (and names a mermaid module there). The
   labs use neither; the site must request nothing from another host, so both are cut out.
3. A code cell that scrolls sideways gets tabindex="0", so a keyboard can scroll it too (axe:
   scrollable-region-focusable), as Material does for its own code blocks.
4. nbconvert inlines about 600 kB of JupyterLab CSS into every notebook page, as <style> blocks
   in the body (invalid HTML there, and downloaded again on every lab). It is moved into one
   stylesheet, named by its content's hash, that every lab links and the browser caches, trimmed
   (with tinycss2) to the rules a lab page can match. One block is a Python list printed as CSS
   by mkdocs-jupyter: it is dropped. An empty MathJax <script src=""> goes too, and the copy
   buttons get the button role their label needs.
5. Links between pages in a notebook's Markdown (`../canvas.md`, which also works in a
   downloaded copy inside a clone) are rewritten to the built pages' URLs, as MkDocs does for
   Markdown pages; and a download link for the notebook goes under the title.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import logging
import posixpath
import re
import shutil
from pathlib import Path
from typing import Any

import tinycss2

from painters.core import files, paths

log = logging.getLogger("painters.site")


def _digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def source_fingerprint() -> str:
    """A digest of the package's Python source (what the pages' and labs' code imports)."""
    return _digest(sorted(paths.PACKAGE_DIR.rglob("*.py")))


def fingerprint() -> str:
    """A digest of everything a lab's outputs depend on besides the notebook itself."""
    return _digest(sorted(paths.CHECKPOINTS_DIR.glob("*.json")) + sorted(paths.PACKAGE_DIR.rglob("*.py")))


def cache_folder() -> Path:
    """Where mkdocs-jupyter keeps executed notebooks: one folder per fingerprint (1. above)."""
    return paths.CACHE_DIR / "mkdocs-jupyter" / fingerprint()


#: Beside the plugin's entries, the sha256 of each as the build that made it left it. Not a
#: .json file: the plugin deletes every .json file in its folder that a build did not use.
DIGESTS = "painters-sha256sums.txt"


def _digests(folder: Path) -> dict[str, str]:
    """{entry's file name: its sha256}, as recorded; nothing for a missing or garbled record."""
    try:
        lines = (folder / DIGESTS).read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return {}
    pairs = [line.split("  ", 1) for line in lines]
    return {name: digest for digest, name in (p for p in pairs if len(p) == 2)}


def _entry_problem(path: Path, recorded: dict[str, str]) -> str:
    """'' for an entry the plugin may read as it is, else why not."""
    if path.is_symlink() or not path.is_file():
        return "not a regular file"
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != recorded.get(path.name):
        return "changed since the build that made it" if path.name in recorded else "made by no recorded build"
    try:
        entry = files.parse_json(data)
    except ValueError as error:
        return f"unreadable ({error})"
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("content"), str)
        or not isinstance(entry.get("toc_tokens"), list)
    ):
        return "not an executed notebook's page"
    return ""


def check_cache(folder: Path) -> list[Path]:
    """Before the build: delete every entry in the labs' cache folder that this project's builds
    did not make as it is now (tampered with, truncated, a link, a folder, an unknown file), so
    mkdocs-jupyter executes its notebook again; the entries deleted, each with a warning."""
    if folder.is_symlink() or folder.is_file():
        log.warning("the labs' cache %s is not a folder; removing it (the labs are executed again)", folder)
        folder.unlink()
        return [folder]
    if not folder.is_dir():
        return []
    recorded = _digests(folder)
    dropped = []
    for path in sorted(folder.iterdir()):
        if path.name == DIGESTS or not path.name.endswith(".json"):
            continue
        problem = _entry_problem(path, recorded)
        if problem:
            log.warning("labs' cache entry %s is %s; deleting it, so its notebook is executed again", path, problem)
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            dropped.append(path)
    return dropped


def record_cache(folder: Path) -> None:
    """After the build: the sha256 of every entry in the labs' cache folder (check_cache reads it)."""
    if folder.is_symlink() or not folder.is_dir():
        return
    entries = sorted(p for p in folder.glob("*.json") if p.is_file() and not p.is_symlink())
    text = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in entries)
    files.replace_atomically(folder / DIGESTS, lambda tmp: tmp.write_text(text, encoding="utf-8"))


# A <script> that loads from, or imports from, another host (with its MathJax configuration).
_EXTERNAL_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>"
    r"|<script\b[^>]*>(?:(?!</script>).)*?https?://cdn(?:(?!</script>).)*</script>"
    r"|<script type=\"text/x-mathjax-config\">.*?</script>",
    re.S,
)
_CODE_CELL = re.compile(r'<div class="highlight-ipynb hl-python">')
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.S)
_EMPTY_MATHJAX = re.compile(
    r"<!-- Load mathjax -->\s*<script src=\"\">\s*</script>\s*|<!-- (?:End of )?MathJax configuration -->\s*"
)
_COPY_BUTTON = re.compile(r'<clipboard-copy ,="" aria-label=')
_MD_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#]+)\.md(#[^"]*)?"')
_TITLE_END = re.compile(r"</h1>")


def strip_external_scripts(text: str) -> str:
    return _EXTERNAL_SCRIPT.sub("", text)


def lab_page(output: str, src_uri: str, url: str, site_dir: str) -> str:
    """A built lab page, fixed as the module's note says (2. to 5.)."""
    output = strip_external_scripts(output)
    output = _EMPTY_MATHJAX.sub("", output)
    output = _CODE_CELL.sub('<div class="highlight-ipynb hl-python" tabindex="0">', output)
    output = _COPY_BUTTON.sub('<clipboard-copy role="button" aria-label=', output)
    output = move_styles(output, url.rstrip("/") or ".", site_dir)
    output = page_links(output, src_uri, url)
    name = html.escape(posixpath.basename(src_uri))
    download = (
        f'<p class="lab-download"><a href="{name}" download>Download this notebook</a> '
        "(without its outputs) and run it yourself.</p>"
    )
    return _TITLE_END.sub("</h1>" + download, output, count=1)


def move_styles(html_text: str, page_dir: str, site_dir: str) -> str:
    """Replace the page's <style> blocks with a link to one stylesheet holding the rules it uses."""
    blocks = [m[1] for m in _STYLE.finditer(html_text) if not m[1].lstrip().startswith("[")]
    if not blocks:
        return html_text
    css = trim_css("\n".join(block.strip() for block in blocks) + "\n", classes_in(html_text))
    name = f"assets/stylesheets/notebook-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    target = Path(site_dir) / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    link = f'<link rel="stylesheet" href="{posixpath.relpath(name, page_dir or ".")}">\n'
    first = True

    def replace(match: re.Match[str]) -> str:
        nonlocal first
        out, first = (link if first else ""), False
        return out

    return _STYLE.sub(replace, html_text)


_CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
# `:root` after a combinator: the root element is inside nothing, so the selector matches nothing.
# (mkdocs-jupyter scopes JupyterLab's theme under `.jupyter-wrapper`, which turns its ~80 kB of
# `:root { --jp-...: ... }` blocks into `.jupyter-wrapper :root`: dead rules.)
_ROOT_INSIDE = re.compile(r"(?:\S\s+|[>+~]\s*):root\b")
_NESTED_AT_RULES = {"media", "supports", "layer", "container"}


def classes_in(html_text: str) -> set[str]:
    """Every class name used in a page's markup (outside its <style> blocks)."""
    markup = _STYLE.sub("", html_text)
    return {name for m in _CLASS_ATTR.finditer(markup) for name in (m[1] or m[2] or m[3] or "").split()}


def trim_css(css: str, classes: set[str]) -> str:
    """The rules of `css` that can match a page whose markup uses `classes`.

    A selector that requires a class the page does not use cannot match anything on it, so it
    is dropped from its rule, and a rule left without selectors goes. Selectors that name no class
    (`:root` and its variables, `body`, `[data-jp-theme-light]`) are kept, as are at-rules
    without a block of rules inside (@import, @font-face, @keyframes); @media and @supports
    blocks are trimmed inside, and dropped when nothing is left in them. Comments go."""
    out: list[str] = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule":
            prelude = f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}".rstrip()
            if rule.content is None:
                out.append(prelude + ";")
            elif rule.lower_at_keyword in _NESTED_AT_RULES:
                inner = trim_css(tinycss2.serialize(rule.content), classes)
                if inner.strip():
                    out.append(f"{prelude} {{\n{inner}}}")
            else:
                out.append(f"{prelude} {{{tinycss2.serialize(rule.content)}}}")
        elif rule.type == "qualified-rule":
            selectors = [s for s in _selectors(rule.prelude) if _required_classes(s) <= classes and not _dead_root(s)]
            if selectors:
                text = ", ".join(tinycss2.serialize(s).strip() for s in selectors)
                out.append(f"{text} {{{tinycss2.serialize(rule.content)}}}")
    return "".join(rule + "\n" for rule in out)


def _selectors(prelude: list[Any]) -> list[list[Any]]:
    """A selector list's selectors: its tokens split at the commas outside any brackets (those
    inside :is(...) or [...] are inside a token of their own)."""
    parts: list[list[Any]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if any(t.type not in ("whitespace", "comment") for t in p)]


def _required_classes(selector: list[Any]) -> set[str]:
    """The classes a selector requires of the markup: `.name` at its top level. Arguments of
    :not(...), :is(...) and the like are function tokens, attribute values bracket tokens, and
    strings string tokens: none of them is required, so none is looked into."""
    return {
        b.value for a, b in itertools.pairwise(selector) if a.type == "literal" and a.value == "." and b.type == "ident"
    }


def _dead_root(selector: list[Any]) -> bool:
    return bool(_ROOT_INSIDE.search(tinycss2.serialize(selector).strip()))


def page_links(html_text: str, src_uri: str, url: str) -> str:
    """Rewrite `href="../x.md#a"` (relative to the notebook's source) to the built page's URL
    (relative to the page's own URL), as MkDocs does with use_directory_urls."""
    here = posixpath.dirname(src_uri)
    page_dir = url if url.endswith("/") else posixpath.dirname(url) + "/"

    def rewrite(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(here, match[1]))
        dest = "" if target == "index" else (target[: -len("/index")] if target.endswith("/index") else target) + "/"
        return f'href="{posixpath.relpath(dest or ".", page_dir or ".")}/{match[2] or ""}"'.replace("//", "/")

    return _MD_LINK.sub(rewrite, html_text)
