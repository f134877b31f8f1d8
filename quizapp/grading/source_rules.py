"""What the server reads in a submission's source before running it: evidence it cannot patch.

The op recorder lives in the submission's own process, so code that sets out to can switch it
off. This check runs in the trusted server on the text alone: a drill answer imports only torch,
numpy and a few plain standard modules, and never reaches for the machinery that could hide
what it runs (dynamic imports and code, torch's private internals and dispatch modes, dunder
introspection). It also names a built-in the drill forbids wherever the source spells it out.
It cannot see through code built at run time from strings; that limit is stated in the README.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

# Modules a layer, a function or a training step may use, and their submodules where listed.
ALLOWED_MODULES = frozenset(
    {
        "torch",
        "torch.nn",
        "torch.nn.functional",
        "torch.nn.init",
        "torch.nn.parameter",
        "torch.nn.modules",
        "torch.autograd",
        "torch.autograd.function",
        "numpy",
        "math",
        "cmath",
        "numbers",
        "typing",
        "typing_extensions",
        "collections",
        "collections.abc",
        "dataclasses",
        "functools",
        "itertools",
        "operator",
        "copy",
        "abc",
        "enum",
        "random",
        "statistics",
        "warnings",
        "__future__",
    }
)
_ALLOWED_PREFIXES = ("torch.nn.modules.",)
# Attributes of torch that reach its dispatch machinery or other processes.
_TORCH_INTERNALS = frozenset(
    {"ops", "overrides", "library", "utils", "multiprocessing", "distributed", "hub", "jit"}
)
_DYNAMIC = frozenset({"eval", "exec", "compile", "__import__", "open", "breakpoint", "input"})
_NAME_BY_STRING = frozenset({"getattr", "setattr", "delattr"})
_OWN = frozenset({"self", "cls"})
_INTERNAL_NAMES = frozenset({"__builtins__", "__loader__", "__spec__", "__import__"})
_DUNDERS_OK = frozenset(
    {"__init__", "__name__", "__qualname__", "__class__", "__call__", "__repr__", "__doc__"}
)


@dataclass(slots=True)
class SourceFindings:
    """Constructs the grader refuses (with line numbers) and forbidden built-ins named."""

    refused: list[str] = field(default_factory=list)
    builtins: list[str] = field(default_factory=list)


def _module_allowed(name: str) -> bool:
    return name in ALLOWED_MODULES or name.startswith(_ALLOWED_PREFIXES)


def _allowed_list() -> str:
    top = sorted({m.split(".")[0] for m in ALLOWED_MODULES} - {"__future__"})
    return ", ".join(top)


class _Reader(ast.NodeVisitor):
    def __init__(self, forbidden: frozenset[str]) -> None:
        self.forbidden = forbidden
        self.found = SourceFindings()
        self.modules: set[str] = set()  # names bound to imported modules (torch, F, np, ...)

    def refuse(self, node: ast.AST, what: str) -> None:
        self.found.refused.append(f"line {getattr(node, 'lineno', '?')}: {what}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._import(node, alias.name)
            self.modules.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            self.refuse(node, "a relative import; a submission is one file")
            return
        for alias in node.names:
            full = f"{base}.{alias.name}"
            if _module_allowed(full):
                self.modules.add(alias.asname or alias.name)
                continue
            self._import(node, base)
            if alias.name.startswith("_") or alias.name in _TORCH_INTERNALS:
                self.refuse(node, f"`from {base} import {alias.name}` reaches torch's internals")
            self._name(node, alias.name)

    def _import(self, node: ast.AST, name: str) -> None:
        if not _module_allowed(name):
            self.refuse(
                node,
                f"`import {name}`: a drill answer may import only {_allowed_list()} "
                "(nothing that reaches files, processes, the network or the grader)",
            )

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in _DYNAMIC:
                self.refuse(node, f"`{func.id}(...)` runs or reads code the grader cannot check")
            elif func.id in _NAME_BY_STRING and len(node.args) >= 2:
                target, name = node.args[0], node.args[1]
                own = isinstance(target, ast.Name) and target.id in _OWN
                literal = isinstance(name, ast.Constant) and isinstance(name.value, str)
                if literal:
                    assert isinstance(name, ast.Constant)
                    self._attribute(node, target, str(name.value))
                elif not own:
                    self.refuse(
                        node,
                        f"`{func.id}` with a computed name hides what it reaches; "
                        "write the attribute out",
                    )
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in _INTERNAL_NAMES and isinstance(node.ctx, ast.Load):
            self.refuse(node, f"`{node.id}` reaches the interpreter's internals")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._attribute(node, node.value, node.attr)
        self.generic_visit(node)

    def _attribute(self, node: ast.AST, value: ast.AST, attr: str) -> None:
        if attr.startswith("__") and attr.endswith("__"):
            if attr not in _DUNDERS_OK:
                self.refuse(node, f"`.{attr}` reaches the interpreter's internals")
            return
        if self._from_module(value):
            if attr.startswith("_") or attr in _TORCH_INTERNALS:
                self.refuse(node, f"`.{attr}` reaches torch's internals")
            self._name(node, attr)

    def _from_module(self, value: ast.AST) -> bool:
        while isinstance(value, ast.Attribute):
            value = value.value
        return isinstance(value, ast.Name) and value.id in self.modules

    def _name(self, node: ast.AST, name: str) -> None:
        if name in self.forbidden and name not in self.found.builtins:
            self.found.builtins.append(name)


def read_source(source: str, forbidden: Iterable[str]) -> SourceFindings:
    """The refused constructs and forbidden built-ins in `source` (nothing if it does not parse:
    the child reports the syntax error with its own line)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return SourceFindings()
    reader = _Reader(frozenset(forbidden))
    reader.visit(tree)
    return reader.found
