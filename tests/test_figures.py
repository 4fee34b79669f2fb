"""Figures for the pages: the timed fence formatter behind "Computation times", and captions."""

import re
import time

import markdown
from markdown_exec import validator

from painters import figures, store


def render(text: str) -> str:
    fence = {"name": "python", "class": "python", "validator": validator, "format": figures.timed_formatter}
    md = markdown.Markdown(
        extensions=["pymdownx.superfences"],
        extension_configs={"pymdownx.superfences": {"custom_fences": [fence]}},
    )
    return md.convert(text)


def test_every_executed_block_is_timed_and_no_other(monkeypatch):
    monkeypatch.setattr(figures, "BLOCK_SECONDS", {})
    html = render('```python exec="on"\nprint("ran here")\n```\n\n```python\nshown_only = 1\n```\n')
    assert "ran here" in html
    assert list(figures.BLOCK_SECONDS) == ['inline block: print("ran here")']
    assert figures.BLOCK_SECONDS['inline block: print("ran here")'] >= 0


def test_a_block_that_includes_a_snippet_is_named_by_its_file(monkeypatch):
    monkeypatch.setattr(figures, "BLOCK_SECONDS", {})
    source = (store.REPO_DIR / "snippets" / "canvas" / "captions.py").read_text(encoding="utf-8")
    render(f'```python exec="on"\n{source}\n```\n')
    assert list(figures.BLOCK_SECONDS) == ["snippets/canvas/captions.py"]


def test_computation_times_lists_blocks_slowest_first(monkeypatch):
    monkeypatch.setattr(figures, "BLOCK_SECONDS", {"snippets/a.py": 0.5, "snippets/b.py": 1.5})
    table = figures.computation_times()
    assert table.index("snippets/b.py") < table.index("snippets/a.py")
    assert '<span class="measured">2.00 s</span>' in table
    assert '<span class="measured">75%</span>' in table


def test_provenance_names_the_checkpoints_seed_and_block_time():
    one = figures.provenance("gan", seed=3, started=time.perf_counter())
    m = store.read_manifest("gan")
    assert f"checkpoint <code>gan</code>: {m.steps:,} steps" in one
    assert "seed 3" in one
    assert re.search(r'computed in <span class="measured">\d+\.\d s</span> at build</p>$', one)
    several = figures.provenance(["gan", "vae"], seed=None, started=time.perf_counter(), source="from x")
    assert "<code>gan</code>" in several
    assert "<code>vae</code>" in several
    assert " · from x · " in several
    assert "seed" not in several
