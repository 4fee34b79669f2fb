"""The search index holds the pages' words: code blocks, code cells, display equations and the
provenance line under each figure are marked out of it (painters.search_hooks)."""

from painters.site.search import exclude_from_search


def test_code_blocks_cells_equations_and_provenance_are_marked():
    html = (
        '<div class="language-python highlight"><pre><code>model = 1</code></pre></div>'
        '<div class="jp-InputArea jp-Cell-inputArea"><div class="jp-CodeMirrorEditor jp-Editor">'
        '<div class="highlight-ipynb hl-python">x</div></div></div>'
        '<div class="jp-OutputArea jp-Cell-outputArea">out</div>'
        '<div class="painters-math"><math><mi>x</mi></math></div>'
        '<p class="provenance">computed in 0.1 s at build</p>'
    )
    out = exclude_from_search(html)
    assert out.count("data-search-exclude") == 5
    assert '<div class="language-python highlight" data-search-exclude>' in out
    assert '<p class="provenance" data-search-exclude>' in out
    # the lab's code div keeps its exact opening tag: mkdocs_hooks gives it a tabindex by it
    assert '<div class="highlight-ipynb hl-python">' in out


def test_prose_inline_code_inline_math_and_a_labs_markdown_cells_stay():
    html = (
        '<p>The <code>kv_cache</code> keeps <math><mi>k</mi></math> and values.</p><div class="admonition">a</div>'
        '<div class="jp-InputArea jp-Cell-inputArea"><div class="jp-RenderedMarkdown"><p>A lab</p></div></div>'
    )
    assert exclude_from_search(html) == html
