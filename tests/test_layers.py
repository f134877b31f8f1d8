"""Data flows one way: bank -> quiz / grading -> store -> study facade -> tui / cli.

A lower layer never imports an upper one (the architecture's rule), checked on the source of
every module so that a deferred import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "quizapp"
# What each layer may import from quizapp, besides itself.
ALLOWED = {
    "bank": {"quizapp", "quizapp.bank"},
    "quiz": {"quizapp", "quizapp.bank", "quizapp.quiz"},
    "grading": {"quizapp", "quizapp.bank", "quizapp.grading"},
    "store": {"quizapp", "quizapp.bank", "quizapp.quiz", "quizapp.store"},
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n == "quizapp" or n.startswith("quizapp.")}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_lower_layer_never_imports_an_upper_one(layer: str) -> None:
    allowed = ALLOWED[layer]
    wrong = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in (PACKAGE / layer).rglob("*.py")
        for name in _imports(path)
        if ".".join(name.split(".")[:2]) not in allowed
    }
    assert wrong == set()
