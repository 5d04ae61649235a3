"""The folders show the pipeline, and dependencies go one way.

source (loading: plans, kinds, référentiels, licences) → checks (loaded plans in, findings out)
→ views (plans and findings in, what pages and files show out; no check) → office and outputs
(writing) → the command line (cli.py) and the MkDocs adapter (macros/). No module imports one
of a later step, and no modules of a step import one another in a circle.

Only the MkDocs adapter (macros/) knows MkDocs, so that another engine needs a new adapter and
templates, nothing else; only cli.py knows argparse; only the kind files name a kind.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from .helpers import ROOT

PACKAGE = ROOT / "src" / "plan_ouvert"
ADAPTER = ROOT / "macros"
# What each layer may import, besides outside libraries.
# `formats` (zip archives, Excel writing) knows no plan: any layer that writes a file may use it.
ALLOWED = {
    "formats": {"formats"},
    "source": {"source"},
    "checks": {"source", "checks"},
    "views": {"source", "views", "formats"},
    "office": {"source", "checks", "views", "office", "formats"},
    "outputs": {"source", "checks", "views", "office", "outputs", "formats"},
}
KIND_NAMES = {"piar", "pac", "plan-action"}  # the kinds shipped as data in src/plan_ouvert/types/


def _module(path: Path) -> str:
    root = PACKAGE.parent if path.is_relative_to(PACKAGE) else ROOT
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> list[Path]:
    return sorted([*PACKAGE.rglob("*.py"), *ADAPTER.glob("*.py")])


MODULES = {_module(p): p for p in _sources()}


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


@cache
def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top, inside a function or for type checking only;
    a name imported from a package stands for its submodule when there is one."""
    module = _module(path).split(".")
    package = module if path.name == "__init__.py" else module[:-1]
    found: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                found.add(f"{name}.{alias.name}" if f"{name}.{alias.name}" in MODULES else name)
    return found


def _layer(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] == "macros":
        return "adapter"
    if parts[0] != "plan_ouvert" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in ALLOWED else parts[1].removesuffix(".py")


def test_each_layer_imports_only_the_layers_before_it() -> None:
    wrong = []
    for name, path in MODULES.items():
        layer = _layer(name)
        for imported in _imports(path):
            other = _layer(imported)
            if other is None or layer is None:
                continue
            if layer in ALLOWED and other not in ALLOWED[layer]:
                wrong.append(f"{name} → {imported}")
            if layer != "adapter" and other in ("cli", "adapter"):
                wrong.append(f"{name} → {imported}")
    assert wrong == []


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_modules_import_one_another_in_a_circle() -> None:
    graph = {name: {m for m in _imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}
    assert _circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_the_core_imports_mkdocs() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert not any(name == "mkdocs" or name.startswith("mkdocs.") for name in _imports(path)), path


def test_only_the_command_line_knows_argparse() -> None:
    users = sorted(name for name, path in MODULES.items() if "argparse" in _imports(path))
    assert users == ["plan_ouvert.cli"]


def test_no_code_names_a_kind() -> None:
    """A kind is data (src/plan_ouvert/types/*.yml): code asks the kind, never tests its name."""
    named = []
    for name, path in MODULES.items():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Constant) and node.value in KIND_NAMES:
                named.append(f"{name}:{node.lineno} {node.value!r}")
    assert named == []


def test_every_module_lives_in_a_layer() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "cli.py"]
    layers = {_layer(name) for name in MODULES if name != "plan_ouvert"}
    assert layers - {"adapter", "cli"} == set(ALLOWED)
