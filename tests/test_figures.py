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


def test_under_serve_an_unchanged_block_is_shown_again_not_run_again(monkeypatch, tmp_path):
    # mkdocs serve reran every page's code on every save (17.6 s after touching one page).
    monkeypatch.setattr(figures, "BLOCK_SECONDS", {})
    monkeypatch.setattr(figures, "_REUSED", {})
    monkeypatch.setattr(figures, "REUSE_BLOCKS", True)
    runs = tmp_path / "runs"
    block = f'```python exec="on"\nopen({str(runs)!r}, "a").write("x")\nprint("ran")\n```\n'
    first, second = render(block), render(block)
    assert first == second
    assert runs.read_text() == "x"  # ran once, shown twice
    assert len(figures.BLOCK_SECONDS) == 1  # still listed on Computation times, with its cost
    render(block.replace('"ran"', '"ran, edited"'))
    assert runs.read_text() == "xx"  # changed code runs again
    monkeypatch.setattr(figures, "REUSE_BLOCKS", False)  # mkdocs build: always runs
    render(block)
    assert runs.read_text() == "xxx"


def test_a_failing_block_is_never_kept_so_it_fails_again(monkeypatch, tmp_path):
    monkeypatch.setattr(figures, "_REUSED", {})
    monkeypatch.setattr(figures, "REUSE_BLOCKS", True)
    runs = tmp_path / "runs"
    block = f'```python exec="on"\nopen({str(runs)!r}, "a").write("x")\n1 / 0\n```\n'
    render(block)
    render(block)
    assert runs.read_text() == "xx"
    assert figures._REUSED == {}


def test_the_computation_times_block_always_runs():
    assert figures._reuse_key("print(figures.computation_times())", "python", {}) is None
    assert figures._reuse_key("print(1)", "python", {}) is not None


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
