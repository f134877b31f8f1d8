"""Coding drills: the YAML format of `drills/<drill-id>.yaml`, its validation and loading.

A drill file holds the texts (statement, hints), the name the user defines, the starter code and
the ops the user must not call; the checks themselves are Python in `quizapp.grading`. Like the
deck model, the runtime classes here are plain frozen dataclasses and pydantic is imported only
to validate.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import annotated_types as at

from quizapp.bank.cache import DeckCache, cache_key, cached
from quizapp.bank.files import read_bytes
from quizapp.bank.loader import DRILLS_FOLDER, SHIPPED_BANK
from quizapp.bank.model import FORMAT_VERSION, LocalizedText, NonEmptyStr, QuestionId
from quizapp.bank.problems import Problem

if TYPE_CHECKING:
    from quizapp.bank.yamlsource import YamlDocument

_STRICT_KEYS = {"extra": "forbid"}
DrillId = Annotated[str, at.MinLen(1), at.MaxLen(60)]
SHIPPED_DRILLS = SHIPPED_BANK / DRILLS_FOLDER
KINDS = ("module", "function", "autograd_function")


@dataclass(frozen=True, slots=True, kw_only=True)
class Drill:
    """One coding drill.

    Attributes:
        entry: the class or function name the user's file must define.
        signature: how it is called, shown to the user (e.g. `BatchNorm1d(num_features, ...)`).
        starter: code the user starts from; it must fail the checks.
        hints: ordered from a gentle nudge to an explicit recipe.
        related: ids of the quiz questions that teach what the drill exercises.
        forbidden: torch function / aten op names the submission may not execute.
    """

    __pydantic_config__ = _STRICT_KEYS
    format_version: Literal[1]
    id: DrillId
    title: LocalizedText
    statement: LocalizedText
    kind: Literal["module", "function", "autograd_function"]
    entry: NonEmptyStr
    signature: NonEmptyStr
    starter: NonEmptyStr
    hints: Annotated[tuple[LocalizedText, ...], at.MinLen(1)]
    related: tuple[QuestionId, ...] = ()
    forbidden: tuple[NonEmptyStr, ...] = ()
    difficulty: Annotated[int, at.Interval(ge=1, le=3)] = 2
    time_limit_s: Annotated[float, at.Interval(gt=0, le=120)] = 10.0


def validate_drill(
    doc: YamlDocument, name: str, expected_id: str
) -> tuple[Drill | None, list[Problem]]:
    """The drill in `doc`, or None, and every problem found (as `FILE:LINE: message`)."""
    from quizapp.bank.folding import fold_prose
    from quizapp.bank.validation import _validate

    data = doc.data
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, [Problem(name, 1, "a drill file is a mapping with format_version, id, ...")]
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        msg = f"format_version must be {FORMAT_VERSION}, got {version!r}"
        return None, [Problem(name, doc.line_of(("format_version",)), msg)]
    drill = _validate(Drill, data, (), doc, name, problems, what="a drill")
    if not isinstance(drill, Drill):
        return None, problems
    if drill.id != expected_id:
        msg = f"id '{drill.id}' differs from the file name '{expected_id}.yaml'; make them equal"
        problems.append(Problem(name, doc.line_of(("id",)), msg))
    for field_name in ("title", "statement"):
        if not getattr(drill, field_name).zh:
            problems.append(
                Problem(name, doc.line_of((field_name,)), f"{field_name} needs zh text")
            )
    for i, hint in enumerate(drill.hints):
        if not hint.zh:
            problems.append(Problem(name, doc.line_of(("hints", i)), "every hint needs zh text"))
    problems.extend(_starter_problems(drill, doc, name))
    return (fold_prose(drill) if not problems else None), problems


def _starter_problems(drill: Drill, doc: YamlDocument, name: str) -> list[Problem]:
    line = doc.line_of(("starter",))
    try:
        tree = ast.parse(drill.starter)
    except SyntaxError as exc:
        return [
            Problem(name, line, f"the starter code does not parse: {exc.msg} (line {exc.lineno})")
        ]
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    }
    if drill.entry not in defined:
        return [Problem(name, line, f"the starter code must define `{drill.entry}` (the entry)")]
    return []


def drill_files(root: Path) -> list[Path]:
    """Drill files under `root`: YAML files inside a `drills` folder (or `root` itself if one)."""
    if root.is_file():
        return [root] if DRILLS_FOLDER in root.parts[:-1] else []
    if root.name == DRILLS_FOLDER:
        return sorted(p for p in root.glob("*.y*ml") if p.is_file())
    return sorted(
        p
        for p in root.rglob("*.y*ml")
        if p.is_file() and DRILLS_FOLDER in p.relative_to(root).parts[:-1]
    )


@dataclass(frozen=True, slots=True)
class DrillEntry:
    """What loading one drill file produced, as the cache keeps it."""

    drill: Drill | None
    problems: tuple[Problem, ...]

    def sound(self) -> bool:
        drill_ok = self.drill is None or isinstance(self.drill, Drill)
        return drill_ok and isinstance(self.problems, tuple)


def load_drill_file(
    path: Path, cache: DeckCache | None = None
) -> tuple[Drill | None, list[Problem]]:
    """One drill file's drill (None if invalid) and problems, from the cache when unchanged."""
    raw, problems = read_bytes(path)
    if raw is None:
        return None, problems
    key = cache_key(f"drill\0{path}", raw, user=False)
    entry = cached(cache, key, DrillEntry, lambda: _parse_drill(raw, path))
    return entry.drill, list(entry.problems)


def _parse_drill(raw: bytes, path: Path) -> DrillEntry:
    # Deferred: with a warm cache, listing the drills never imports yaml or pydantic.
    from quizapp.bank.yamlsource import parse_bytes

    doc, problems = parse_bytes(raw, str(path))
    if doc is None:
        return DrillEntry(None, tuple(problems))
    drill, problems = validate_drill(doc, str(path), path.stem)
    return DrillEntry(drill, tuple(problems))


@dataclass(slots=True)
class DrillSet:
    """Loaded drills by id and the problems met loading them."""

    drills: dict[str, Drill]
    problems: list[Problem]


def load_drills(roots: list[Path] | None = None, *, cache: DeckCache | None = None) -> DrillSet:
    """Every valid drill under `roots` (default: the shipped drills), ids unique."""
    drills: dict[str, Drill] = {}
    problems: list[Problem] = []
    paths: dict[str, str] = {}
    for root in roots if roots is not None else [SHIPPED_DRILLS]:
        for path in drill_files(root):
            drill, found = load_drill_file(path, cache)
            problems.extend(found)
            if drill is None:
                continue
            if drill.id in drills:
                msg = f"duplicate drill id '{drill.id}' (first in {paths[drill.id]}); rename one"
                problems.append(Problem(str(path), 1, msg))
                continue
            drills[drill.id] = drill
            paths[drill.id] = str(path)
    return DrillSet(drills, problems)
