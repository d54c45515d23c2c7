"""No import cycles in ``lint/`` (the ``isolint`` package): the modules form layers, each importing
only modules below it.

The graph is read with :mod:`ast` from the source, every import counted wherever it is written
(a function-level import dodging a cycle is still a cycle); only ``if TYPE_CHECKING:`` blocks are
left out, as they never run. Importing a module of a subpackage from outside it runs the
subpackage's ``__init__`` first, so that is an edge too. Run as a script, it prints the longest
chain of modules from ``isolint.cli`` down.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "lint"
PACKAGE = "isolint"


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ENGINE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the isolint modules it imports."""
    modules = {_module_name(p): p for p in sorted(ENGINE.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in
                   ast.unparse(node.test) for n in ast.walk(node)}
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                targets.update(f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names)
        edges = set()
        for target in (t for t in targets if t in modules):
            edges.add(target)
            parts = target.split(".")
            for cut in range(2, len(parts)):  # a subpackage entered from outside runs its __init__ first
                ancestor = ".".join(parts[:cut])
                if not (name == ancestor or name.startswith(ancestor + ".")):
                    edges.add(ancestor)
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def longest_chain(graph: dict[str, set[str]], start: str) -> list[str]:
    """The longest path of imports from ``start`` (the graph has no cycle)."""
    memo: dict[str, list[str]] = {}

    def chain(node: str) -> list[str]:
        if node not in memo:
            memo[node] = [node, *max((chain(t) for t in sorted(graph[node])), key=len, default=[])]
        return memo[node]

    return chain(start)


def test_the_engine_has_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 40 and "isolint.runner" in graph["isolint.cli"], "the graph was not read"
    assert cycles(graph) == []


def test_the_checker_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


if __name__ == "__main__":
    graph = import_graph()
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports; cycles: {cycles(graph) or 'none'}")
    if not cycles(graph):
        chain = longest_chain(graph, "isolint.cli")
        print(f"longest chain from isolint.cli ({len(chain)} modules): {' -> '.join(chain)}")
