"""The build's hooks and its fence formatter: offline lab pages, working links, a cache that
notices a retrained checkpoint, every checkpoint checked before any page runs, and every executed
block laid out the same way (result, provenance caption, folded code)."""

import json
import re
import time
from types import SimpleNamespace

import markdown
import markdown_exec
import pytest
from checkpoint_home import copy_home, use_home
from mkdocs.exceptions import PluginError

from painters.checkpoints import loading, store
from painters.core import paths
from painters.site import blocks, hooks, notebooks

MATHJAX = (
    '<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX"> </script>\n'
    '<script type="text/x-mathjax-config">\ninit_mathjax = function() {};\n</script>'
)
MERMAID = (
    '<script type="module">\n  document.addEventListener("DOMContentLoaded", async () => {\n'
    '    const mermaid = (await import("https://cdnjs.cloudflare.com/ajax/libs/mermaid/11.10.0/mermaid.esm.min.mjs"));\n'
    "  });\n</script>"
)
LOCAL = '<script src="../../assets/javascripts/bundle.js"></script><script>var x = 1;</script>'


def page(src_uri: str, url: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri), url=url)


def test_notebook_pages_lose_their_cdn_scripts_and_keep_their_own(tmp_path):
    html = "<h1>Lab</h1>" + MATHJAX + LOCAL + MERMAID + '<div class="highlight-ipynb hl-python">x</div>'
    out = hooks.on_post_page(html, page("labs/gan.ipynb", "labs/gan/"), {"site_dir": str(tmp_path)})
    assert "cdnjs" not in out
    assert "mathjax" not in out
    assert LOCAL in out
    assert '<div class="highlight-ipynb hl-python" tabindex="0">' in out
    assert '<a href="gan.ipynb" download>Download this notebook</a>' in out


def test_markdown_pages_are_left_alone():
    html = "<h1>GANs</h1>" + MATHJAX
    assert hooks.on_post_page(html, page("gan.md", "gan/"), {"site_dir": "unused"}) == html


def test_notebook_css_moves_into_one_shared_stylesheet(tmp_path):
    styles = '<style type="text/css">\n.a { color: red; }\n</style>\n<p>x</p><style>\n.b { margin: 0; }\n</style>'
    broken = "<style>\n        ['pre { line-height: 125%; }']\n</style>"
    empty_mathjax = '<!-- Load mathjax -->\n<script src=""> </script>\n<!-- MathJax configuration -->\n'
    copy = '<clipboard-copy ,="" aria-label="Copy to Clipboard" for="cell-1">'
    html = '<h1>Lab</h1><p class="a">x</p><p class="b">y</p>' + styles + broken + empty_mathjax + copy
    out = hooks.on_post_page(html, page("labs/vae.ipynb", "labs/vae/"), {"site_dir": str(tmp_path)})
    assert "<style" not in out
    assert 'src=""' not in out
    assert '<clipboard-copy role="button" aria-label="Copy to Clipboard" for="cell-1">' in out
    (sheet,) = (tmp_path / "assets" / "stylesheets").glob("notebook-*.css")
    assert sheet.read_text() == ".a { color: red; }\n.b { margin: 0; }\n"
    assert out.count('<link rel="stylesheet"') == 1
    assert f'<link rel="stylesheet" href="../../assets/stylesheets/{sheet.name}">' in out


def test_links_to_pages_in_notebook_markdown_point_at_the_built_pages():
    html = '<a href="../canvas.md">a</a><a href="../gan.md#where-it-fails">b</a><a href="../index.md">c</a>'
    out = notebooks.page_links(html, "labs/gan.ipynb", "labs/gan/")
    assert out == '<a href="../../canvas/">a</a><a href="../../gan/#where-it-fails">b</a><a href="../../">c</a>'
    untouched = '<a href="https://example.org/x.md">d</a><a href="#top">e</a>'
    assert notebooks.page_links(untouched, "labs/gan.ipynb", "labs/gan/") == untouched


def test_the_labs_cache_key_changes_with_a_checkpoint(tmp_path, monkeypatch):
    (tmp_path / "gan.json").write_text('{"weights_sha256": "aaa"}')
    monkeypatch.setattr(paths, "CHECKPOINTS_DIR", tmp_path)
    before = notebooks.fingerprint()
    assert notebooks.fingerprint() == before
    (tmp_path / "gan.json").write_text('{"weights_sha256": "bbb"}')
    assert notebooks.fingerprint() != before


def test_the_labs_cache_folder_is_keyed_on_that_fingerprint():
    plugin = SimpleNamespace(config={"cache_dir": ".cache/mkdocs-jupyter"})
    config = SimpleNamespace(plugins={"mkdocs-jupyter": plugin})
    hooks.on_config(config)
    assert plugin.config["cache_dir"].endswith(f"mkdocs-jupyter/{notebooks.fingerprint()}")


def test_the_computation_times_page_is_built_last():
    from mkdocs.structure.files import File, Files

    names = ["canvas.md", "computation-times.md", "gan.md", "labs/gan.ipynb", "wild.md"]
    files = Files([File(name, "docs", "site", use_directory_urls=True) for name in names])
    ordered = [f.src_uri for f in hooks.on_files(files, None)]
    assert ordered == ["canvas.md", "gan.md", "labs/gan.ipynb", "wild.md", "computation-times.md"]


def test_serve_rebuilds_after_a_package_edit_use_the_new_code(monkeypatch):
    # mkdocs serve builds in one process; without the reload, an edit to src/painters showed on
    # no page until the server was restarted (the pages ran the modules imported first).
    import sys

    saved = {name: module for name, module in sys.modules.items() if name.startswith("painters")}
    fence = {"name": "python", "format": blocks.timed_formatter}
    config = {"mdx_configs": {"pymdownx.superfences": {"custom_fences": [fence]}}}
    monkeypatch.delattr(sys, hooks._SEEN, raising=False)
    try:
        assert hooks.reload_changed_package(config) is False  # the first build: nothing to drop
        assert hooks.reload_changed_package(config) is False  # nothing changed
        assert sys.modules["painters.site.blocks"] is blocks
        monkeypatch.setattr(notebooks, "source_fingerprint", lambda: "edited")
        assert hooks.reload_changed_package(config) is True
        fresh = sys.modules["painters.site.blocks"]
        assert fresh is not blocks  # imported afresh for the fence formatter
        assert fence["format"] is fresh.timed_formatter
        assert "painters.measure.lesson" not in sys.modules  # the rest is imported afresh by the pages
    finally:
        for name in [m for m in sys.modules if m.startswith("painters")]:
            del sys.modules[name]
        sys.modules.update(saved)


@pytest.fixture
def whole_checkpoints(tmp_path, monkeypatch):
    """A folder of tiny checkpoints, whole and current, that the build checks."""
    home = copy_home(tmp_path / "home")
    use_home(monkeypatch, home)
    return home / "checkpoints"


def test_each_build_starts_the_computation_times_afresh(monkeypatch, whole_checkpoints):
    monkeypatch.setattr(blocks, "BLOCK_SECONDS", {"snippets/gone.py": 1.0})
    hooks.on_pre_build({})
    assert blocks.BLOCK_SECONDS == {}


def test_only_mkdocs_serve_shows_kept_block_outputs(monkeypatch, whole_checkpoints):
    monkeypatch.setattr(blocks, "REUSE_BLOCKS", False)
    monkeypatch.setattr(hooks, "_COMMAND", ["build"])
    hooks.on_startup(command="serve", dirty=False)
    hooks.on_pre_build({})
    assert blocks.REUSE_BLOCKS is True
    hooks.on_startup(command="build", dirty=False)  # mkdocs build, and so CI: every block runs
    hooks.on_pre_build({})
    assert blocks.REUSE_BLOCKS is False


def _flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_broken_checkpoint_stops_the_build_before_any_page_runs(monkeypatch, whole_checkpoints):
    # Every broken checkpoint is named, with its fix, within seconds: not minutes in, at the
    # first page that happens to load it.
    _flip_a_byte(whole_checkpoints / "gan.safetensors")
    (whole_checkpoints / "vae-beta4.json").unlink()
    manifest = whole_checkpoints / "diffusion.json"
    data = json.loads(manifest.read_text())
    data["fingerprint"]["sampler"]["mean"] += 1.0  # as if other code had trained it
    manifest.write_text(json.dumps(data))
    monkeypatch.setattr(blocks, "BLOCK_SECONDS", {"snippets/kept.py": 1.0})
    start = time.perf_counter()
    with pytest.raises(PluginError) as info:
        hooks.on_pre_build({})
    assert time.perf_counter() - start < 20
    message = str(info.value)
    for name, fix in [
        ("gan", "corrupt"),
        ("gan", "git checkout -- checkpoints/gan.safetensors"),
        ("vae-beta4", "python -m painters train vae --name vae-beta4 --set beta=4.0"),
        ("diffusion", "stale"),
        ("diffusion", "python -m painters train diffusion"),
    ]:
        line = next((line for line in message.splitlines() if line.strip().startswith(f"{name}: ")), "")
        assert fix in line, message
    assert "judge" not in message  # the whole ones are not listed
    assert blocks.BLOCK_SECONDS == {"snippets/kept.py": 1.0}  # stopped before anything else


def test_a_missing_checkpoints_folder_stops_the_build_saying_where_it_looked(tmp_path, monkeypatch):
    use_home(monkeypatch, tmp_path)  # no checkpoints/ in it
    with pytest.raises(store.CheckpointError, match=f"no checkpoints folder at {tmp_path / 'checkpoints'}"):
        hooks.on_pre_build({})


def test_the_build_checks_checkpoints_the_way_the_pages_load_them(monkeypatch, whole_checkpoints):
    seen = []
    check_all = loading.check_all
    monkeypatch.setattr(loading, "check_all", lambda *a: seen.append(a) or check_all(*a))
    hooks.on_pre_build({})
    assert seen == [()]  # the folder the pages use: store.CHECKPOINTS


# --- blocks.timed_formatter: every executed block laid out the same way ----------------------


def render(text: str) -> str:
    fence = {
        "name": "python",
        "class": "python",
        "validator": markdown_exec.validator,
        "format": blocks.timed_formatter,
    }
    md = markdown.Markdown(
        extensions=["pymdownx.superfences", "pymdownx.highlight"],
        extension_configs={"pymdownx.superfences": {"custom_fences": [fence]}},
    )
    return md.convert(text)


def test_a_block_shows_its_result_then_provenance_then_its_code_folded(monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_SECONDS", {})
    block = 'from painters import checkpoints\ncheckpoints.read_manifest("gan")\nprint("<p>the figure</p>")'
    out = render(f'```python exec="on" source="above" html="1"\n{block}\n```\n')
    figure, caption, code = out.index("<p>the figure</p>"), out.index('<p class="provenance">'), out.index("<details")
    assert figure < caption < code  # the figure first: the code is one click away, not above it
    assert out.count("the figure") == 2  # once printed, once in the folded code (escaped)
    assert re.search(r'<details class="painters-code"[^>]*><summary>Show the code</summary>', out), out
    assert "computed in" not in out  # the time is on the Computation times page
    assert list(blocks.BLOCK_SECONDS) == ["inline block: from painters import checkpoints"]


def test_a_block_names_the_checkpoints_it_read(monkeypatch, whole_checkpoints):
    block = 'from painters.checkpoints import store\nstore.note_use("gan")\nprint("x")'
    out = render(f'```python exec="on" html="1"\n{block}\n```\n')
    assert "checkpoint <code>gan</code>" in out
    assert "<details" not in out  # no source="above": no code shown


def test_a_failing_block_gets_no_caption(monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_SECONDS", {})
    out = render('```python exec="on" source="above" html="1"\nraise RuntimeError("broken on purpose")\n```\n')
    assert "broken on purpose" in out
    assert "provenance" not in out
    assert "painters-code" not in out
    assert len(blocks.BLOCK_SECONDS) == 1  # timed all the same


def test_a_snippet_block_is_named_by_its_file(monkeypatch):
    path = paths.PROJECT_DIR / "snippets" / "site" / "bad_input.py"
    label = blocks._snippet_of(path.read_text(encoding="utf-8"))
    assert label == "snippets/site/bad_input.py"


# --- equations ------------------------------------------------------------------------------


def arithmatex(latex: str, *, block: bool = False) -> str:
    """What pymdownx.arithmatex (generic mode) writes for an equation."""
    return f'<div class="arithmatex">\\[{latex}\\]</div>' if block else f'<span class="arithmatex">\\({latex}\\)</span>'


def test_every_equation_of_the_docs_becomes_mathml_with_no_tex_left():
    # Every $...$ and $$...$$ in docs/*.md, as the build converts them: a command latex2mathml
    # does not know would reach the page as its name ("\lVert" in the diffusion loss did).
    pages = sorted(paths.PROJECT_DIR.joinpath("docs").glob("*.md"))
    found = 0
    for path in pages:
        text = path.read_text(encoding="utf-8")
        blocks_ = re.findall(r"\$\$(.*?)\$\$", text, re.S)
        inline = re.findall(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$", re.sub(r"\$\$.*?\$\$", "", text, flags=re.S))
        for latex, block in [(b, True) for b in blocks_] + [(i, False) for i in inline]:
            out = hooks.math_to_mathml(arithmatex(latex, block=block))
            assert "<math" in out, (path.name, latex)
            assert "\\" not in re.sub(r"<[^>]+>", "", out), (path.name, latex)
            found += 1
    assert found > 40  # the chapters' equations were all seen


def test_sized_delimiters_written_as_commands_are_drawn():
    latex = r"\big\lVert v - \hat v \big\rVert^2 + \Bigl\langle a \Bigr\rangle"
    out = hooks.math_to_mathml(arithmatex(latex, block=True))
    for drawn in ("\u2016", "\u27e8", "\u27e9"):
        assert drawn in out
    for name in ("lVert", "rVert", "langle", "rangle"):
        assert name not in out
    assert out.startswith('<div class="painters-math"><math')


def test_an_equation_that_would_show_as_tex_stops_the_build():
    with pytest.raises(hooks.MathError, match=r"\\foo"):
        hooks.math_to_mathml(arithmatex(r"\foo x"))
    with pytest.raises(PluginError, match=r"vae\.md: .*\\foo"):
        hooks.on_page_content(arithmatex(r"\foo x"), page("vae.md", "vae/"), {}, None)


def test_a_widgets_status_line_gets_what_its_first_paint_fetches(monkeypatch):
    """on_post_page writes, into the status line of each painter widget, the bytes its first
    Paint fetches (bundle.first_paint: here two made-up files), once per build."""
    from painters.browser import bundle, widget

    calls = []

    def first_paint(family):
        calls.append(family)
        return [
            bundle.Fetched("painter.js", "runtime", 2_000_000, 500_000),
            bundle.Fetched("models/gan-0/generator.onnx", "models", 1_500_000, 1_400_000),
        ]

    monkeypatch.setattr(bundle, "first_paint", first_paint)
    monkeypatch.setattr(hooks, "_FIRST_PAINT", {})
    for _ in range(2):
        out = hooks.on_post_page(widget.widget_html("gan"), page("gan.md", "gan/"), {"site_dir": "unused"})
    assert 'data-bytes="3500000" data-gzip-bytes="1900000"' in out
    assert "the first Paint fetches 3.5 MB (1.9 MB gzipped): the runtime 2.0 MB and the models 1.5 MB" in out
    assert calls == ["gan"]


def test_the_terminal_says_which_page_runs_and_for_how_long_the_build_has(monkeypatch, caplog):
    from mkdocs.structure.files import File, Files, InclusionLevel

    names = ["canvas.md", "gan.md", "assets/x.css"]  # a stylesheet is not a page
    listed = [File(name, "docs", "site", use_directory_urls=True) for name in names]
    # nor is a page under exclude_docs (the widgets' sources): MkDocs never renders it
    listed.append(File("widgets/gan.md", "docs", "site", use_directory_urls=True, inclusion=InclusionLevel.EXCLUDED))
    hooks.on_files(Files(listed), None)
    monkeypatch.setitem(hooks._PROGRESS, "since", time.monotonic() - 125)
    monkeypatch.setitem(hooks._PROGRESS, "started", 0)
    with caplog.at_level("INFO", logger="mkdocs.plugins.painters"):
        for name in ("canvas.md", "gan.md"):
            hooks.on_pre_page(page(name, name), None, None)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].endswith("page 1 of 2: canvas.md (the build has run 2 min 5 s)"), lines
    assert "page 2 of 2: gan.md" in lines[1], lines
