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


def test_a_references_section_is_left_out_of_the_index_and_its_neighbours_stay():
    html = (
        '<h2 id="check-yourself">Check yourself<a class="headerlink" href="#check-yourself">&para;</a></h2><p>Why?</p>'
        '<h2 id="references">References<a class="headerlink" href="#references">&para;</a></h2>'
        "<ul><li>Ho et al., 2020. Denoising Diffusion Probabilistic Models</li></ul>"
    )
    out = exclude_from_search(html)
    assert '<h2 id="references" data-search-exclude>References<a' in out
    assert '<h2 id="check-yourself">' in out
    assert out.count("data-search-exclude") == 1


def test_material_drops_a_marked_section_and_keeps_the_rest():
    # The search plugin's own parser, as the build runs it: the References section is gone.
    from material.plugins.search.plugin import Parser

    html = exclude_from_search(
        '<h1 id="gan">GAN</h1><p>Mode collapse: the same picture.</p>'
        '<h2 id="references">References<a class="headerlink" href="#references">&para;</a></h2>'
        '<ul><li>Mode seeking GANs</li></ul><h2 id="after">After</h2><p>More words.</p>'
    )
    parser = Parser()
    parser.feed(html)
    parser.close()
    kept = [(s.id, "".join(s.text)) for s in parser.data if not s.is_excluded()]
    assert [k for k, _ in kept] == [None, "after"]
    assert "Mode seeking" not in "".join(text for _, text in kept)
