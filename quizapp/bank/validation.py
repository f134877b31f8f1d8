"""Validating parsed deck data into the model, with messages an author can act on.

Pydantic does the type checking; this module turns its errors into `FILE:LINE: message` with the
line of the offending node, and adds the checks a type system cannot express (exactly one correct
choice, a tolerance for every numeric answer, patterns that compile). Questions are validated one
by one, so a single broken question never hides the rest of its deck.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from typing import TYPE_CHECKING, Any

from quizapp.bank.folding import fold_prose
from quizapp.bank.model import (
    FORMAT_VERSION,
    QUESTION_TYPES,
    DeckHeader,
    LoadedDeck,
    MultipleChoice,
    Numeric,
    Question,
    ShortAnswer,
    SingleChoice,
)
from quizapp.bank.patterns import PatternError, compile_pattern
from quizapp.bank.problems import Problem
from quizapp.bank.yamlsource import NodePath, YamlDocument

if TYPE_CHECKING:
    from pydantic import TypeAdapter

TYPE_NAMES = ", ".join(QUESTION_TYPES)
_DECK_KEYS = ("format_version", "title", "description", "questions")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(cls: type[Any]) -> TypeAdapter[Any]:
    """The (cached) pydantic adapter for a model class; pydantic is imported on first use."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def _fields(cls: type[Any]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _required(cls: type[Any]) -> list[str]:
    missing = dataclasses.MISSING
    return [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is missing and f.default_factory is missing
    ]


def validate_deck(
    doc: YamlDocument, name: str, deck_id: str, *, user: bool
) -> tuple[LoadedDeck | None, list[Problem], tuple[int, ...]]:
    """The deck with its valid questions, every problem in the file, and each question's line."""
    data = doc.data
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"the single value {data!r}"
        msg = (
            f"the file holds {kind}; a deck is a mapping with format_version, title and "
            "questions (see `quizapp schema`)"
        )
        return None, [Problem(name, 1, msg)], ()
    problems: list[Problem] = []
    for key in data:
        if key not in _DECK_KEYS:
            problems.append(
                Problem(name, doc.line_of((key,)), _unknown_key(key, _DECK_KEYS, "a deck"))
            )
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        if version is None:
            msg = f"missing format_version; add `format_version: {FORMAT_VERSION}` at the top"
        else:
            msg = (
                f"format_version {version!r} is not one this quizapp reads; use "
                f"{FORMAT_VERSION} (or update quizapp if the deck was written for a newer one)"
            )
        return None, [*problems, Problem(name, doc.line_of(("format_version",)), msg)], ()
    header_data = {k: data[k] for k in ("format_version", "title", "description") if k in data}
    header = _validate(DeckHeader, header_data, (), doc, name, problems, what="a deck")
    raw_questions = data.get("questions")
    if raw_questions is None:
        problems.append(Problem(name, doc.line_of(("questions",)), "missing `questions:` list"))
        raw_questions = []
    elif not isinstance(raw_questions, list):
        msg = "`questions` must be a list of questions, each starting with `- id: ...`"
        problems.append(Problem(name, doc.line_of(("questions",)), msg))
        raw_questions = []
    questions: list[Question] = []
    lines: list[int] = []
    for index, raw in enumerate(raw_questions):
        question = validate_question(raw, ("questions", index), doc, name, problems)
        if question is not None:
            questions.append(question)
            lines.append(doc.line_of(("questions", index, "id")))
    if not isinstance(header, DeckHeader):
        return None, problems, ()
    header = fold_prose(header)
    deck = LoadedDeck(
        deck_id=deck_id,
        path=name,
        title=header.title,
        description=header.description,
        questions=tuple(questions),
        user=user,
    )
    return deck, problems, tuple(lines)


def validate_question(
    raw: Any, path: NodePath, doc: YamlDocument, name: str, problems: list[Problem]
) -> Question | None:
    """One question, or None with its problems appended."""
    line = doc.line_of(path)
    if not isinstance(raw, dict):
        problems.append(Problem(name, line, "a question is a mapping starting with `- id: ...`"))
        return None
    qtype = raw.get("type")
    cls = QUESTION_TYPES.get(qtype) if isinstance(qtype, str) else None
    if cls is None:
        if qtype is None:
            msg = f"missing `type`; use one of: {TYPE_NAMES}"
        else:
            guess = _did_you_mean(str(qtype), QUESTION_TYPES)
            msg = f"unknown type {qtype!r}{guess}; use one of: {TYPE_NAMES}"
        problems.append(Problem(name, doc.line_of((*path, "type")), msg))
        return None
    what = f"a {qtype} question"
    before = len(problems)
    question = _validate(cls, raw, path, doc, name, problems, what=what)
    if question is None:
        return None
    problems.extend(
        Problem(name, doc.line_of((*path, *sub)), msg) for sub, msg in semantic_problems(question)
    )
    # Checked as written, kept as it reads (see `folding`: line breaks that only folded CJK).
    return fold_prose(question) if len(problems) == before else None


def semantic_problems(q: Question) -> list[tuple[NodePath, str]]:
    """What the types allow but a question cannot mean, with the sub-path to point at."""
    found: list[tuple[NodePath, str]] = []
    if isinstance(q, SingleChoice | MultipleChoice):
        n_correct = sum(c.correct for c in q.choices)
        if isinstance(q, SingleChoice) and n_correct != 1:
            fix = (
                "mark one choice `correct: true`"
                if n_correct == 0
                else "keep one, or make it a multiple_choice question"
            )
            found.append(
                (
                    ("choices",),
                    "a single_choice question needs exactly one correct choice, "
                    f"found {n_correct}; {fix}",
                )
            )
        if isinstance(q, MultipleChoice) and n_correct == 0:
            found.append(
                (("choices",), "no choice is marked `correct: true`; mark every correct one")
            )
    elif isinstance(q, Numeric):
        if not math.isfinite(q.answer):
            found.append((("answer",), "the answer must be a finite number"))
        if q.abs_tol is None and q.rel_tol is None:
            found.append(
                (("answer",), "a numeric answer needs `abs_tol` or `rel_tol` (e.g. rel_tol: 0.01)")
            )
    elif isinstance(q, ShortAnswer):
        if not q.accept and not q.patterns:
            found.append(((), "a short_answer question needs `accept` answers or `patterns`"))
        for i, pattern in enumerate(q.patterns):
            try:
                compile_pattern(pattern)
            except PatternError as exc:
                found.append(
                    (
                        ("patterns", i),
                        f"the pattern does not compile ({exc}); patterns are RE2 regular "
                        "expressions, which match in linear time and have no backreferences "
                        "or lookaround",
                    )
                )
    return found


def _validate(
    cls: type[Any],
    raw: dict[str, Any],
    path: NodePath,
    doc: YamlDocument,
    name: str,
    problems: list[Problem],
    *,
    what: str,
) -> Any:
    from pydantic import ValidationError

    try:
        return _adapter(cls).validate_python(raw)
    except ValidationError as exc:
        described = [describe_error(err, raw, cls, what) for err in exc.errors()]
        reported: set[NodePath] = set()
        for loc, message in described:
            full = (*path, *loc)
            deeper = any(
                other[: len(loc)] == loc and len(other) > len(loc) for other, _ in described
            )
            if full in reported or deeper:
                # One message per node, and the most specific one: a union of text and
                # {en, zh} reports both branches, and the mapping branch says what is wrong.
                continue
            reported.add(full)
            problems.append(Problem(name, doc.line_of(full), message))
        return None


def describe_error(
    err: Any, raw: dict[str, Any], cls: type[Any], what: str
) -> tuple[NodePath, str]:
    """A pydantic error as (path into the raw data, message saying what to do)."""
    loc, value = _data_path(raw, err["loc"])
    kind = err["type"]
    field = str(loc[-1]) if loc else ""
    if kind == "missing":
        needs = ", ".join(_required(cls))
        return loc, f"missing field '{field}'; {what} needs: {needs}"
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        owner = cls if len(loc) == 1 else None
        allowed = _fields(owner) if owner else _nested_fields(field, err)
        where = what if owner else "this mapping"
        return loc, _unknown_key(field, allowed, where)
    if isinstance(value, dict) and kind in ("string_type", "dataclass_type", "model_type"):
        return loc, "expected text, or a mapping of language to text like {en: ..., zh: ...}"
    if kind == "string_type":
        return loc, f"expected text, got {_kind(value)}; quote it if it should be text"
    if kind in ("float_parsing", "float_type"):
        return loc, f"expected a number, got {value!r}; write digits like 0.25 or 1e-5"
    if kind in ("bool_parsing", "bool_type"):
        return loc, f"expected true or false, got {value!r}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return loc, f"expected a whole number, got {value!r}"
    if kind in ("tuple_type", "list_type"):
        return loc, f"expected a list (lines starting with `- `), got {_kind(value)}"
    if kind in ("dataclass_type", "dataclass_args_type"):
        return loc, f"expected a mapping of fields, got {_kind(value)}"
    if kind in ("less_than_equal", "greater_than_equal") and field == "difficulty":
        return loc, f"difficulty is 1 (easy), 2 or 3 (hard), got {value!r}"
    if kind == "string_too_short":
        if isinstance(loc[-1], int) and len(loc) > 1:
            return loc, f"item {loc[-1] + 1} of '{loc[-2]}' is empty; write it or remove it"
        return loc, f"'{field}' is empty; write the text, or leave the field out if it is optional"
    if kind == "too_short":
        return loc, f"{err['msg']}; add more"
    return loc, f"{field}: {str(err['msg']).lower()}" if field else str(err["msg"])


_NESTED_FIELDS = {
    "choices": ("text", "correct", "why", "pin"),
    "references": ("url", "title"),
}


def _nested_fields(field: str, err: Any) -> tuple[str, ...]:
    for owner, fields in _NESTED_FIELDS.items():
        if owner in map(str, err["loc"]):
            return fields
    return ("en", "zh")


def _data_path(raw: Any, loc: tuple[Any, ...]) -> tuple[NodePath, Any]:
    """Follow pydantic's loc through the raw data, dropping union-branch labels it inserts."""
    path: list[str | int] = []
    node = raw
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            path.append(part)
        elif isinstance(part, str) and (
            part[:1].isupper()
            or "[" in part
            or part in ("str", "bool", "float", "int")
            or part.startswith("constrained-")
        ):
            continue  # a union branch such as 'str', 'constrained-str' or 'LocalizedText'
        else:
            path.append(part)
            node = None
    return tuple(path), node


def _unknown_key(key: Any, allowed: Any, where: str) -> str:
    fields = list(allowed)
    return (
        f"unknown field '{key}'{_did_you_mean(str(key), fields)}; {where} has: {', '.join(fields)}"
    )


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return repr(value)
