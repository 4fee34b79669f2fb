"""scripts/bench.py reads the warm build's own Computation times page; the two must agree."""

import importlib.util
from pathlib import Path

import pytest

from painters.site import blocks

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_block_times_reads_what_the_computation_times_page_prints(tmp_path, monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_SECONDS", {"snippets/a.py": 1.234, "snippets/b.py": 7.5})
    page = tmp_path / "index.html"
    page.write_text(f"<html><body>{blocks.computation_times()}</body></html>")
    assert _bench().block_times(page) == {"snippets/b.py": 7.5, "snippets/a.py": 1.23, "all blocks": 8.73}


def test_block_times_reads_the_folded_rows_too(tmp_path, monkeypatch):
    # The page shows the slowest few and folds the rest away: the benchmark reads them all.
    seconds = {f"snippets/s{i:02d}.py": float(i + 1) for i in range(blocks.SHOWN_BLOCKS + 3)}
    monkeypatch.setattr(blocks, "BLOCK_SECONDS", seconds)
    page = tmp_path / "index.html"
    page.write_text(f"<html><body>{blocks.computation_times()}</body></html>")
    assert "painters-more" in page.read_text()
    assert _bench().block_times(page) == {"all blocks": sum(seconds.values()), **seconds}


def test_block_times_refuses_a_page_without_a_table(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<p>nothing here</p>")
    with pytest.raises(RuntimeError, match="no block times"):
        _bench().block_times(page)
