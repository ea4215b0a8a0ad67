"""The house rules, enforced: arrows point one way, nothing imports in a circle, no module outgrows a room.

The layers are read from docs/architecture.md (its ```layers block), so the document and the rule are
one text. Every import counts: at the top of a module, inside a function (lazy) or under
``TYPE_CHECKING``. A module may import its own layer and the layers below it, never one above; within
a layer, and anywhere in ``benchmarks/``, no two modules may import each other, however far round.
"""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MAX_LINES = 450
MAX_SHARED_WRITER_MODULES = 8  # the modules at the root of reports/writers/, its __init__ counted


def modules(package: str) -> dict[str, Path]:
    """{dotted name: file} of every module under ``package`` (a folder of ROOT)."""
    found: dict[str, Path] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that ``name`` imports, anywhere in its code."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    wanted: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            wanted.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            # `from a import b` imports the module a.b when there is one, else a name of a.
            wanted.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                          for alias in node.names)
    found: set[str] = set()
    for target in wanted:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


def graph(package: str) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layers() -> list[list[str]]:
    """The layers of docs/architecture.md, top first: each a list of module patterns (fnmatch)."""
    text = ARCHITECTURE.read_text("utf-8")
    block = text.split("```layers\n", 1)[1].split("```", 1)[0]
    out = []
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line.split(":", 1)[1].split())
    return out


def layer_of(name: str, table: list[list[str]]) -> int | None:
    for number, patterns in enumerate(table):
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            return number
    return None


def test_every_module_of_the_package_has_a_layer() -> None:
    table = layers()
    unplaced = [name for name in modules("reports") if layer_of(name, table) is None]
    assert not unplaced, f"place these in docs/architecture.md's layers: {', '.join(unplaced)}"


def test_imports_point_down_the_layers() -> None:
    table = layers()
    upward = []
    for name, targets in graph("reports").items():
        mine = layer_of(name, table)
        for target in sorted(targets):
            theirs = layer_of(target, table)
            if mine is not None and theirs is not None and theirs < mine:
                upward.append(f"{name} (layer {mine}) imports {target} (layer {theirs})")
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


@pytest.mark.parametrize("package", ["reports", "benchmarks", "tools"])
def test_no_import_circle(package: str) -> None:
    assert cycles(graph(package)) == []


def test_the_checks_see_what_they_are_meant_to() -> None:
    # The rule must be able to fail: a circle and an upward import made up here are found.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    edges = graph("reports")
    assert "reports.fonts.cjk" in edges["reports.theme"]  # a lazy import, inside a validator
    assert "reports.writers.pdf.layout" in edges["reports.writers.registry"]  # lazy, inside a function
    table = layers()
    assert layer_of("reports.cli", table) == 0
    assert layer_of("reports.errors", table) == len(table) - 1


def test_no_module_is_over_the_limit() -> None:
    long = {name: n for name, path in modules("reports").items()
            if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_what_both_writers_share_stays_small() -> None:
    shared = sorted((ROOT / "reports" / "writers").glob("*.py"))
    assert len(shared) <= MAX_SHARED_WRITER_MODULES, [p.name for p in shared]
    assert {p.name for p in (ROOT / "reports" / "writers").iterdir() if p.is_dir() and p.name != "__pycache__"} \
        == {"pdf", "docx"}
