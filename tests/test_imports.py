"""The package's modules import each other without a cycle.

Every `import` and `from ... import` statement counts, at module level and inside functions
(a deferred import hides a cycle from Python at import time, not from a reader). Strings passed
to importlib.import_module do not count: that is how the registry reaches the family modules.
"""

import ast
from pathlib import Path

from painters import store

PACKAGE = "painters"


def internal_imports(folder: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module name -> the names of the package's modules it imports ('__init__' for the package)."""
    modules = {path.stem for path in folder.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.py")):
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == package:
                        edges.add(parts[1] if len(parts) > 1 and parts[1] in modules else "__init__")
            elif isinstance(node, ast.ImportFrom):
                if node.level > 1:
                    continue  # above the package
                parts = (node.module or "").split(".") if node.module else []
                if node.level == 0:
                    if not parts or parts[0] != package:
                        continue
                    parts = parts[1:]
                if parts:  # from painters.world import x / from .world import x
                    edges.add(parts[0] if parts[0] in modules else "__init__")
                else:  # from painters import world, store / from . import world
                    for alias in node.names:
                        edges.add(alias.name if alias.name in modules else "__init__")
        edges.discard(path.stem)
        graph[path.stem] = edges
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


def test_the_package_has_no_import_cycle():
    graph = internal_imports(store.PACKAGE_DIR)
    assert {"registry", "world", "store", "fit", "judge"} <= set(graph)
    assert "store" in graph["registry"]  # the walk sees the package's own imports
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_inside_functions_and_every_spelling_count(tmp_path):
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "a.py").write_text("from painters import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from painters.c import thing\n")
    (tmp_path / "c.py").write_text("import importlib\n\ndef g():\n    import painters.a\n")
    (tmp_path / "d.py").write_text("from . import a\nfrom .b import f\nimport painters\nimport numpy\n")
    (tmp_path / "e.py").write_text("import importlib\nimportlib.import_module('painters.a')\n")
    graph = internal_imports(tmp_path)
    assert graph == {"__init__": set(), "a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "b", "__init__"}, "e": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    (tmp_path / "c.py").write_text("import importlib\n")
    assert find_cycle(internal_imports(tmp_path)) is None
