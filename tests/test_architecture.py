"""The folders show the pipeline, and dependencies go one way: source → checks → views → office → outputs.

Only the MkDocs adapter (macros/) knows MkDocs, so that another engine needs a new adapter and
templates, nothing else.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .helpers import ROOT

PACKAGE = ROOT / "src" / "plan_ouvert"
LAYERS = ["source", "checks", "views", "office", "outputs"]


def _imports(path: Path) -> set[str]:
    """Top-level packages of plan_ouvert (or outside modules) that a file imports."""
    module = path.relative_to(PACKAGE.parent).with_suffix("").parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = module[: len(module) - node.level]
                name = ".".join(base + tuple((node.module or "").split("."))).rstrip(".")
                found.add(name)
                found.update(f"{name}.{alias.name}" for alias in node.names)
            else:
                found.add(node.module or "")
    return found


def _layer(name: str) -> int | None:
    parts = name.split(".")
    if len(parts) > 1 and parts[0] == "plan_ouvert" and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return None


def test_each_layer_imports_only_itself_and_the_layers_before_it() -> None:
    wrong = []
    for layer, folder in enumerate(LAYERS):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            for name in _imports(path):
                other = _layer(name)
                if other is not None and other > layer:
                    wrong.append(f"{path.relative_to(PACKAGE)} → {name}")
    assert wrong == []


def test_no_module_of_the_core_imports_mkdocs() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert not any(name == "mkdocs" or name.startswith("mkdocs.") for name in _imports(path)), path


def test_every_module_lives_in_a_layer() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "cli.py"]
