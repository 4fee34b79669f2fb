"""The pages' executed blocks (painters.blocks): run, timed, captioned with the checkpoints they
read, the code folded underneath; kept under `mkdocs serve` only while code and inputs stay."""

from __future__ import annotations

import re

import markdown
import pytest
from checkpoint_home import copy_home, use_home
from markdown_exec import validator

from painters.checkpoints import store
from painters.core import paths
from painters.site import blocks


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def render(text: str) -> str:
    fence = {"name": "python", "class": "python", "validator": validator, "format": blocks.timed_formatter}
    md = markdown.Markdown(
        extensions=["pymdownx.superfences"],
        extension_configs={"pymdownx.superfences": {"custom_fences": [fence]}},
    )
    return md.convert(text)


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "BLOCK_SECONDS", {})
    monkeypatch.setattr(blocks, "_REUSED", {})
    monkeypatch.setattr(blocks, "REUSE_BLOCKS", False)


def test_every_executed_block_is_timed_and_no_other() -> None:
    html = render('```python exec="on"\nprint("ran here")\n```\n\n```python\nshown_only = 1\n```\n')
    assert "ran here" in html
    assert list(blocks.BLOCK_SECONDS) == ['inline block: print("ran here")']


def test_a_block_that_includes_a_snippet_is_named_by_its_file() -> None:
    source = (paths.PROJECT_DIR / "snippets" / "canvas" / "captions.py").read_text(encoding="utf-8")
    html = render(f'```python exec="on" source="above"\n{source}\n```\n')
    assert list(blocks.BLOCK_SECONDS) == ["snippets/canvas/captions.py"]
    assert "Show the code (<code>snippets/canvas/captions.py</code>)" in html


def test_the_result_comes_first_and_the_code_is_folded_underneath() -> None:
    html = render('```python exec="on" source="above" html="1"\nprint("<p>THE RESULT</p>")  # a comment\n```\n')
    result, folded = html.index("THE RESULT"), html.index('<details class="painters-code"')
    assert result < folded
    assert 'class="provenance"' not in html  # it read no checkpoint: nothing to say under it
    assert "# a comment" in text_of(html[folded:])  # the code is there, one click away
    assert "<details open" not in html


def test_hidden_lines_are_not_shown() -> None:
    html = render('```python exec="on" source="above"\nx = 1  # markdown-exec: hide\nprint(x + 1)\n```\n')
    code = text_of(html[html.index("<details") :])
    assert "print(x + 1)" in code
    assert "x = 1" not in code


def test_the_caption_names_the_checkpoints_a_block_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    use_home(monkeypatch, copy_home(tmp_path / "home"))
    block = 'from painters import checkpoints\ncheckpoints.load_model("gan")'
    html = render(f'```python exec="on" html="1"\n{block}\n```\n')
    m = store.read_manifest("gan")
    assert f"checkpoint <code>gan</code>: {m.steps:,} steps" in html
    assert "computed in" not in html  # the block's time is on the Computation times page
    html = render('```python exec="on" html="1"\nprint("<p>no model</p>")\n```\n')
    assert "<code>gan</code>" not in html  # a later block that reads nothing names nothing


def test_a_failing_block_gets_no_caption_and_is_never_kept(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(blocks, "REUSE_BLOCKS", True)
    runs = tmp_path / "runs"
    block = f'```python exec="on"\nopen({str(runs)!r}, "a").write("x")\n1 / 0\n```\n'
    html = render(block)
    render(block)
    assert runs.read_text() == "xx"
    assert blocks._REUSED == {}
    assert 'class="provenance"' not in html


def test_under_serve_an_unchanged_block_is_shown_again_not_run_again(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(blocks, "REUSE_BLOCKS", True)
    runs = tmp_path / "runs"
    block = f'```python exec="on"\nopen({str(runs)!r}, "a").write("x")\nprint("ran")\n```\n'
    first, second = render(block), render(block)
    assert first == second
    assert runs.read_text() == "x"  # ran once, shown twice
    render(block.replace('"ran"', '"ran, edited"'))
    assert runs.read_text() == "xx"  # changed code runs again
    monkeypatch.setattr(blocks, "REUSE_BLOCKS", False)  # mkdocs build: always runs
    render(block)
    assert runs.read_text() == "xxx"


def test_the_computation_times_block_always_runs() -> None:
    assert blocks._reuse_key("print(blocks.computation_times())", "python", {}) is None
    assert blocks._reuse_key("print(1)", "python", {}) is not None


def test_computation_times_shows_the_total_and_the_slowest_and_folds_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    times = {f"snippets/s{i:02d}.py": float(i) for i in range(1, 13)}  # 12 blocks, 78 s in all
    monkeypatch.setattr(blocks, "BLOCK_SECONDS", times)
    table = blocks.computation_times()
    shown, folded = table.split("<details", 1)
    assert '<span class="measured">78.00 s</span>' in shown  # the total, first
    assert shown.index("snippets/s12.py") < shown.index("snippets/s11.py")  # slowest first
    assert f"snippets/s{13 - blocks.SHOWN_BLOCKS:02d}.py" in shown
    assert f"snippets/s{12 - blocks.SHOWN_BLOCKS:02d}.py" in folded
    assert f"The other {12 - blocks.SHOWN_BLOCKS} blocks" in folded
