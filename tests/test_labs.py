"""The lab notebooks: one per painter, linked from its chapter, committed without outputs, and
runnable top to bottom on the committed checkpoints (the strict build runs them too)."""

import json
from pathlib import Path

import nbformat
import pytest
from checkpoint_home import committed
from nbclient import NotebookClient
from sybil_markdown import DOCS, ROOT

from painters.families import registry

FAMILIES = registry.painters()

LABS = DOCS / "labs"


def lab(family: str) -> Path:
    return LABS / f"{family}.ipynb"


@pytest.mark.parametrize("family", FAMILIES)
def test_each_painter_has_a_lab_linked_from_its_chapter(family):
    assert lab(family).exists()
    chapter = (DOCS / f"{family}.md").read_text(encoding="utf-8")
    assert f"(labs/{family}.ipynb)" in chapter
    assert f"labs/{family}.ipynb" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("family", FAMILIES)
def test_a_lab_is_committed_clean(family):
    nb = json.loads(lab(family).read_text(encoding="utf-8"))
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert code
    assert all(not cell["outputs"] and cell["execution_count"] is None for cell in code), "clear the outputs"
    assert nb["metadata"]["kernelspec"]["language"] == "python"
    assert any("PROMPT =" in "".join(cell["source"]) for cell in code), "the reader changes the prompt here"


@pytest.mark.parametrize("family", FAMILIES)
def test_a_lab_runs_top_to_bottom(family):
    # On the committed checkpoints, as the build runs it: the painter, and the judge that reads it.
    committed(family)
    committed("judge")
    run_lab(family)


def run_lab(family: str) -> None:
    nb = nbformat.read(lab(family), as_version=4)
    # Raises CellExecutionError naming the cell and its traceback if any cell fails.
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(LABS)}}).execute()
    shown = "".join(
        str(output.get("data", {}).get("text/html", "")) for cell in nb.cells for output in cell.get("outputs", [])
    )
    printed = "".join(str(o.get("text", "")) for cell in nb.cells for o in cell.get("outputs", []))
    assert f"{family}: " in printed  # which checkpoint,
    assert "training steps" in printed  # and how it was trained
    assert "<img" in shown
    errors = [
        o
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "error" or o.get("name") == "stderr"
    ]
    assert not errors, errors
