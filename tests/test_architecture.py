"""The package's shape: stages import only stages below them (so no import cycle), and no
module or function grows past a size a reader can hold in mind."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import policyqa

PACKAGE = Path(policyqa.__file__).resolve().parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
# the data path, lowest first: a module may import its own stage and the ones before it
STAGES = (
    ("runtime", "errors", "types", "settings", "storage"),
    ("text",),
    ("ingest",),
    ("index",),
    ("retrieve",),
    ("answer",),
    ("engine",),
    ("conversation", "evaluation", "web"),
    ("cli",),
)
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(("policyqa", *parts)).removesuffix(".__init__")
        out[name] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The policyqa modules ``name`` imports anywhere in its body (functions included)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # "from pkg import mod" imports the module; "from mod import name" the module
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t.startswith("policyqa.") and t != name:
                found.add(t)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _stage(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_stages_import_only_what_comes_before_them() -> None:
    wrong = []
    for module, imported in _graph().items():
        if module == "policyqa" or _stage(module) == "__main__":
            continue
        for other in imported:
            if RANK[_stage(other)] > RANK[_stage(module)]:
                wrong.append(f"{module} imports {other}")
    assert wrong == []


def test_every_stage_is_declared() -> None:
    stages = {_stage(m) for m in _modules() if m != "policyqa"}
    assert stages <= set(RANK), stages - set(RANK)


def test_modules_and_functions_stay_small() -> None:
    big = []
    for name, path in _modules().items():
        source = path.read_text(encoding="utf-8")
        if (n := len(source.splitlines())) > MAX_MODULE_LINES:
            big.append(f"{name}: {n} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    big.append(f"{name}.{node.name}: {length} lines")
    assert big == []
