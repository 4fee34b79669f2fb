"""The package's layers import downwards only, and its modules import each other without a cycle.

The layers are folders (src/painters/__init__.py lists them): a module may import its own layer
and the layers below it, never one above. Every `import` and `from ... import` statement counts,
at module level and inside functions (a deferred import hides a cycle or an upward import from
Python at import time, not from a reader). Strings passed to importlib.import_module do not
count: that is how the family registry reaches the family modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

from painters.core import paths

PACKAGE = "painters"
#: Lowest first. The package's own top-level modules (__init__, __main__) stand on all of them.
LAYERS = ("core", "canvas", "families", "checkpoints", "measure", "training", "browser", "site")


def module_name(path: Path, root: Path) -> str:
    """'families.gan' for root/families/gan.py, 'families' for root/families/__init__.py."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def internal_imports(root: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module name -> the names of the package's modules it imports (a package counts as its
    __init__; `from painters.x import y` counts as painters.x.y when y is a module)."""
    modules = {module_name(p, root) for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        here = module_name(path, root)
        folder = here if path.name == "__init__.py" else here.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = folder.split(".") if folder else []
                    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                    prefix = ".".join([package, *base, *([node.module] if node.module else [])])
                else:
                    prefix = node.module or ""
                targets = [f"{prefix}.{a.name}" for a in node.names] + [prefix]
            for target in targets:
                parts = target.split(".")
                if parts[0] != package:
                    continue
                name = ".".join(parts[1:]) or "__init__"
                while name not in modules and "." in name:
                    name = name.rpartition(".")[0]
                if name in modules:
                    edges.add(name)
            if isinstance(node, ast.ImportFrom) and len(targets) > 1:
                # `from painters.x import y`: the package x counts only when y is not a module of it
                prefix = targets[-1].removeprefix(f"{package}.") if targets[-1] != package else "__init__"
                if all(t.removeprefix(f"{package}.") in modules for t in targets[:-1]):
                    edges.discard(prefix)
        edges.discard(here)
        graph[here] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as [a, b, ..., a], or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" after
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def layer(module: str, layers: tuple[str, ...] = LAYERS) -> int:
    """The layer a module belongs to (its top folder); the package's own modules sit on top."""
    top = module.split(".")[0]
    return layers.index(top) if top in layers else len(layers)


def upward_imports(graph: dict[str, set[str]], layers: tuple[str, ...] = LAYERS) -> list[str]:
    """Every import of a module from a higher layer: 'measure.gallery -> site.figures'."""
    return sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets if layer(b, layers) > layer(a, layers))


def test_the_package_imports_downwards_only_and_without_a_cycle():
    graph = internal_imports(paths.PACKAGE_DIR)
    assert {"families.registry", "canvas.drawing", "checkpoints.store", "families.fit", "measure.judge"} <= set(graph)
    assert "checkpoints.store" in graph["checkpoints.loading"]  # the walk sees the package's own imports
    assert "families.judge" in graph["measure.judge"]
    every_folder = {p.name for p in paths.PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert every_folder == set(LAYERS), "a new folder is a new layer: add it to LAYERS and to painters/__init__.py"
    assert upward_imports(graph) == []
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_module_is_longer_than_a_reader_takes_in():
    """One job per file: none of the package's modules runs past about 350 lines."""
    long = {str(p.relative_to(paths.PACKAGE_DIR)): n for p in paths.PACKAGE_DIR.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 360}  # fmt: skip
    assert long == {}


def test_an_upward_import_anywhere_in_a_module_is_found(tmp_path):
    (tmp_path / "low").mkdir()
    (tmp_path / "high").mkdir()
    for folder in ("low", "high"):
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "low" / "a.py").write_text("def f():\n    from painters.high import b\n")  # deferred: still counts
    (tmp_path / "high" / "b.py").write_text("from painters.low import a\nfrom . import c\n")
    deferred = "import importlib\nimportlib.import_module('painters.high.b')\n"
    (tmp_path / "high" / "c.py").write_text("from ..low import a\n" + deferred)
    graph = internal_imports(tmp_path)
    assert graph["low.a"] == {"high.b"}
    assert graph["high.b"] == {"low.a", "high.c"}
    assert graph["high.c"] == {"low.a"}  # a string passed to import_module is not an import
    assert upward_imports(graph, ("low", "high")) == ["low.a -> high.b"]
    cycle = find_cycle(graph)
    assert cycle is not None
    assert {"low.a", "high.b"} <= set(cycle)
    (tmp_path / "low" / "a.py").write_text("import numpy\n")
    graph = internal_imports(tmp_path)
    assert upward_imports(graph, ("low", "high")) == []
    assert find_cycle(graph) is None
