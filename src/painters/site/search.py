"""The search index holds the pages' words, not their code or their equations (hooks.py calls
this on every page, after its equations are turned into MathML).

Material's search plugin indexes every text node of a page except those inside an element with
`data-search-exclude`. Left alone, a search for an idea ranked a page first because its code
said the word (a sampler's `kv_cache` argument, a `model` variable matching "mode*"), and the
excerpt under the result was a line of Python or of LaTeX. The figures keep themselves out
(figures.py: tables of numbers, chart text, picture grids; blocks.py: the folded
code under each figure); this hook does the same for what the pages write themselves: code
blocks (highlighted Markdown fences, a lab's code cells and their outputs), display equations,
the provenance line under each figure, and each References section (a list of paper titles
matched "mode collapse" on "Diffusion Models" and ranked "exposure bias" above the section that
explains it). Inline code and inline math stay: they are part of a sentence.
"""

from __future__ import annotations

import re

# The opening tag of a code block (pymdownx.highlight), a lab notebook's code cell or its output
# (nbconvert: the editor round the code, as notebooks.py matches the code div itself; a Markdown
# cell is prose, in a jp-InputArea too), a display equation (hooks.math_to_mathml), or
# the line under a figure (figures.provenance).
_UNSEARCHED = re.compile(
    r'<div class="(?:language-[\w+-]+ highlight|highlight|jp-CodeMirrorEditor [^"]*|jp-OutputArea [^"]*|painters-math)"'
    r'|<p class="provenance"'
)


# A section's heading: Material's search plugin leaves out the whole section (down to the next
# heading) when its heading carries data-search-exclude.
_UNSEARCHED_SECTION = re.compile(r'<h([1-6]) (id="[^"]*")(?=>References<)')


def exclude_from_search(html_text: str) -> str:
    """Mark each code block, code cell, cell output, display equation and provenance line, and
    the heading of each References section, with data-search-exclude."""
    html_text = _UNSEARCHED.sub(lambda m: m[0] + " data-search-exclude", html_text)
    return _UNSEARCHED_SECTION.sub(lambda m: f"<h{m[1]} {m[2]} data-search-exclude", html_text)
