"""mkdocs hooks, listed under `hooks:` in mkdocs.yml: the build's page order, the lab notebooks
(mkdocs-jupyter), and fresh code for `mkdocs serve` after an edit to the package.

0. MkDocs renders pages in the order of their files (alphabetical), not of the nav. The
   "Computation times" page reports every other page's executed blocks, so its file is moved
   to the end of the build's list.

1. mkdocs-jupyter caches an executed notebook under a key made of the notebook's own bytes and
   the plugin's options, so a retrained checkpoint or a change to the painters' code would be
   served with the old outputs. The cache folder is keyed here on the committed checkpoints'
   manifests and the package's source as well: any of them changing re-executes the labs.
2. nbconvert's page template loads MathJax from a CDN (and names a mermaid module there). The
   labs use neither; the site must request nothing from another host, so both are cut out.
3. A code cell that scrolls sideways gets tabindex="0", so a keyboard can scroll it too (axe:
   scrollable-region-focusable), as Material does for its own code blocks.
4. nbconvert inlines about 600 kB of JupyterLab CSS into every notebook page, as <style>
   blocks in the body (invalid HTML there, and downloaded again on every lab). It is moved into
   one stylesheet, named by its content's hash, that every lab links and the browser caches. One
   block is a Python list printed as CSS by mkdocs-jupyter: it is dropped. An empty MathJax
   <script src=""> goes too, and the copy buttons get the button role their label needs.
5. Links between pages in a notebook's Markdown (`../canvas.md`, which also works in a
   downloaded copy inside a clone) are rewritten to the built pages' URLs, as MkDocs does for
   Markdown pages; and a download link for the notebook (copied beside the page by the plugin's
   `include_source`) goes under the title, which Material's templates do not show by themselves.
6. `mkdocs serve` builds every time in the same Python process, and the pages' code runs in
   it (markdown-exec), so after an edit to src/painters the next rebuild would still run the
   modules imported for the first build: mkdocs.yml watches the package, the page rebuilds,
   and shows the old behaviour. When the package's source has changed since the last build,
   its modules are dropped from sys.modules (the pages import them afresh, and the in-process
   caches of loaded models and measurements go with them) and the fence formatter is taken
   from the new module. A build where only pages or snippets changed keeps them, and under
   `mkdocs serve` (only) each block whose code and inputs are unchanged since it last ran in
   this server shows its kept output instead of running again (blocks.timed_formatter).
8. Equations are written in LaTeX between $ signs (pymdownx.arithmatex, generic mode) and turned
   into MathML here, at build time, by latex2mathml: the browser draws them itself, screen
   readers read them, and no script or font is fetched from anywhere.
9. The in-page painters (docs/assets/painter/): before any page runs, every painter's ONNX
   export is checked against its checkpoint and made again if missing or stale (export.py);
   after the build, the runtime, the models and the prompt rules are copied into the site.
7. Before any page runs, every checkpoint is loaded and checked the way the pages load them
   (registry.check_all): a stale or corrupt one stops the build within seconds, with the same
   message and fix, instead of minutes in, at the first page that uses it. Torch gets one
   thread (or $PAINTERS_THREADS): the blocks are small, and a shared machine stays fast.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import posixpath
import re
import sys
from pathlib import Path
from typing import Any

from painters import store

PACKAGE = Path(__file__).resolve().parent

# A <script> that loads from, or imports from, another host (with its MathJax configuration).
_EXTERNAL_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>"
    r"|<script\b[^>]*>(?:(?!</script>).)*?https?://cdn(?:(?!</script>).)*</script>"
    r"|<script type=\"text/x-mathjax-config\">.*?</script>",
    re.S,
)


LAST_PAGE = "computation-times.md"


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import Files

    return Files([f for f in files if f.src_uri != LAST_PAGE] + [f for f in files if f.src_uri == LAST_PAGE])


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def fingerprint() -> str:
    """A digest of everything a lab's outputs depend on besides the notebook itself."""
    return _digest(sorted(store.CHECKPOINTS.glob("*.json")) + sorted(PACKAGE.glob("*.py")))


def source_fingerprint() -> str:
    """A digest of the package's Python source (what the pages' code imports)."""
    return _digest(sorted(PACKAGE.glob("*.py")))


# The source the modules in sys.modules were imported from. Kept on sys itself: MkDocs loads this
# hook file once per process, but tests load it afresh, and the answer is per process.
_SEEN = "_painters_source_seen_by_mkdocs_hooks"


def reload_changed_package(config: Any) -> bool:
    """Drop the painters modules if their source changed since the last build in this process
    (see 6. above); True if it did. The fence formatters are re-resolved from the new modules."""
    source, seen = source_fingerprint(), getattr(sys, _SEEN, None)
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
        plugin.config["cache_dir"] = str(store.REPO_DIR / ".cache" / "mkdocs-jupyter" / fingerprint())
    return config


_COMMAND = ["build"]  # this process's MkDocs command, from on_startup


def on_startup(command: str, dirty: bool) -> None:
    _COMMAND[0] = command


def on_pre_build(config: Any) -> None:
    """Check every checkpoint first (7. above). Start the Computation times page's record
    afresh: under `mkdocs serve` one process builds many times, and a block taken out of a page
    must not stay listed. Under `mkdocs serve` only, a block whose code and inputs did not
    change since it last ran is shown again rather than run again (blocks.REUSE_BLOCKS): a
    rebuild after editing one page's prose takes seconds."""
    from mkdocs.exceptions import PluginError

    from painters import blocks, fit, registry

    fit.use_threads()
    problems = [f"{name}: {problem}" for name, _, problem in registry.check_all() if problem]
    if problems:
        raise PluginError("the pages need every committed checkpoint whole and current:\n  " + "\n  ".join(problems))
    from painters import export

    export.ensure_current()  # the in-page painters' ONNX graphs: made again only if missing or stale
    blocks.BLOCK_SECONDS.clear()
    blocks.REUSE_BLOCKS = _COMMAND[0] == "serve"


_CODE_CELL = re.compile(r'<div class="highlight-ipynb hl-python">')
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.S)
_EMPTY_MATHJAX = re.compile(
    r"<!-- Load mathjax -->\s*<script src=\"\">\s*</script>\s*|<!-- (?:End of )?MathJax configuration -->\s*"
)
_COPY_BUTTON = re.compile(r'<clipboard-copy ,="" aria-label=')


def move_styles(html_text: str, page_dir: str, site_dir: str) -> str:
    """Replace the page's <style> blocks with a link to one stylesheet holding the rules it uses.

    nbconvert's ~590 kB of JupyterLab CSS is trimmed to the rules whose selectors could match
    this page (trim_css): the labs are built by one template, so they share one small file."""
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
_CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
# `:root` after a combinator: the root element is inside nothing, so the selector matches nothing.
# (mkdocs-jupyter scopes JupyterLab's theme under `.jupyter-wrapper`, which turns its ~80 kB of
# `:root { --jp-...: ... }` blocks into `.jupyter-wrapper :root`: dead rules.)
_ROOT_INSIDE = re.compile(r"(?:\S\s+|[>+~]\s*):root\b")


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
    for prelude, body in _css_rules(_CSS_COMMENT.sub("", css)):
        if body is None:
            out.append(prelude + ";")
        elif prelude.startswith("@"):
            if re.match(r"@(media|supports|layer|container)\b", prelude):
                inner = trim_css(body, classes)
                if inner.strip():
                    out.append(f"{prelude} {{\n{inner}}}")
            else:
                out.append(f"{prelude} {{{body}}}")
        else:
            selectors = [
                s.strip()
                for s in _split_selectors(prelude)
                if s.strip() and set(_CSS_CLASS.findall(_required_part(s))) <= classes and not _ROOT_INSIDE.search(s)
            ]
            if selectors:
                out.append(f"{', '.join(selectors)} {{{body}}}")
    return "".join(rule + "\n" for rule in out)


def _css_rules(css: str) -> list[tuple[str, str | None]]:
    """Top-level (prelude, body) pairs of a stylesheet; body None for a statement (`@import x;`)."""
    rules: list[tuple[str, str | None]] = []
    i, n, start = 0, len(css), 0
    while i < n:
        c = css[i]
        if c in "\"'":
            i = _skip_string(css, i)
            continue
        if c == ";":
            if css[start:i].strip():
                rules.append((css[start:i].strip(), None))
            start = i + 1
        elif c == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                if css[j] in "\"'":
                    j = _skip_string(css, j)
                    continue
                depth += {"{": 1, "}": -1}.get(css[j], 0)
                j += 1
            rules.append((css[start:i].strip(), css[i + 1 : j - 1]))
            start = i = j
            continue
        i += 1
    return rules


def _skip_string(text: str, i: int) -> int:
    """The index just past the quoted string that starts at text[i]."""
    quote, j = text[i], i + 1
    while j < len(text) and text[j] != quote:
        j += 2 if text[j] == "\\" else 1
    return j + 1


def _required_part(selector: str) -> str:
    """What a selector requires of the markup: without its quoted attribute values
    (`[href$=".css"]` names no class) and without the arguments of :not(...), :is(...) and the
    like (`.cell:not(.hidden)` matches where no element is .hidden)."""
    selector = re.sub(r"\"[^\"]*\"|'[^']*'", "", selector)
    while (shorter := re.sub(r"\([^()]*\)", "", selector)) != selector:
        selector = shorter
    return selector


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :is(...) or strings)."""
    parts, depth, current, i = [], 0, "", 0
    while i < len(prelude):
        c = prelude[i]
        if c in "\"'":
            j = _skip_string(prelude, i)
            current += prelude[i:j]
            i = j
            continue
        depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(c, 0)
        if c == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += c
        i += 1
    return [*parts, current]


def strip_external_scripts(html: str) -> str:
    return _EXTERNAL_SCRIPT.sub("", html)


_MD_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#]+)\.md(#[^"]*)?"')
_TITLE_END = re.compile(r"</h1>")


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


_MATH = re.compile(
    r'<(span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])\s*</\1>', re.S
)


def math_to_mathml(html_text: str) -> str:
    """Replace arithmatex's \\( ... \\) and \\[ ... \\] (generic mode) with MathML."""
    from latex2mathml.converter import convert

    def replace(match: re.Match[str]) -> str:
        latex = html.unescape(match["inline"] if match["inline"] is not None else match["block"])
        if match["inline"] is not None:
            return convert(latex, display="inline")
        return f'<div class="painters-math">{convert(latex, display="block")}</div>'

    return _MATH.sub(replace, html_text)


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    return math_to_mathml(html_text)


def on_post_build(config: Any) -> None:
    """The in-page painters: the ONNX runtime, the models and the prompt rules into the site;
    and TensorFlow.js for the ring experiment on the GAN page."""
    from painters import export

    export.copy_into_site(config["site_dir"])
    export.copy_tfjs_into_site(config["site_dir"])


def on_post_page(output: str, page: Any, config: Any) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        output = strip_external_scripts(output)
        output = _EMPTY_MATHJAX.sub("", output)
        output = _CODE_CELL.sub('<div class="highlight-ipynb hl-python" tabindex="0">', output)
        output = _COPY_BUTTON.sub('<clipboard-copy role="button" aria-label=', output)
        output = move_styles(output, page.url.rstrip("/") or ".", config["site_dir"])
        output = page_links(output, page.file.src_uri, page.url)
        name = html.escape(posixpath.basename(page.file.src_uri))
        download = (
            f'<p class="lab-download"><a href="{name}" download>Download this notebook</a> '
            "(without its outputs) and run it yourself.</p>"
        )
        output = _TITLE_END.sub("</h1>" + download, output, count=1)
    return output
