"""The question bank's runtime model: frozen dataclasses, one per question type.

These classes are the single definition of the deck format. Pydantic validates raw YAML data
into them (see `validation.py`) and derives the JSON Schema from them (`schema.py`), but this
module itself never imports pydantic, so the app can unpickle a cached bank without paying for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, TypeAlias

import annotated_types as at

# Re-exported: the text and deck types are part of the model's public names.
from quizapp.bank.deck import LoadedDeck as LoadedDeck
from quizapp.bank.deck import QuestionInfo as QuestionInfo
from quizapp.bank.text import _STRICT_KEYS
from quizapp.bank.text import LANGUAGES as LANGUAGES
from quizapp.bank.text import Lang as Lang
from quizapp.bank.text import LocalizedText as LocalizedText
from quizapp.bank.text import NonEmptyStr as NonEmptyStr
from quizapp.bank.text import Text as Text
from quizapp.bank.text import has_language as has_language
from quizapp.bank.text import text_in as text_in

FORMAT_VERSION = 1
QuestionId = Annotated[str, at.MinLen(1), at.MaxLen(120)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """A primary source: a paper, the torch docs, a write-up."""

    __pydantic_config__ = _STRICT_KEYS
    url: Annotated[str, at.MinLen(8)]
    title: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """One option of a choice question; `why` says why it is right or wrong, after answering.

    Choices are shuffled for every presentation; `pin` keeps this one at its written position
    (for "All of the above", or options that are ordered ranges).
    """

    __pydantic_config__ = _STRICT_KEYS
    text: Text
    correct: bool = False
    why: Text | None = None
    pin: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class _QuestionBase:
    """Fields every question type has."""

    __pydantic_config__ = _STRICT_KEYS
    id: QuestionId
    prompt: Text
    explanation: Text
    tags: tuple[NonEmptyStr, ...] = ()
    difficulty: Annotated[int, at.Interval(ge=1, le=3)] = 2
    hints: tuple[Text, ...] = ()
    references: tuple[Reference | str, ...] = ()
    source: str | None = None
    # Seconds a prepared candidate needs; slower correct answers rate as Hard for review.
    expected_seconds: Annotated[int, at.Interval(ge=5, le=3600)] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SingleChoice(_QuestionBase):
    """Pick exactly one of several choices; exactly one is correct."""

    type: Literal["single_choice"]
    choices: Annotated[tuple[Choice, ...], at.MinLen(2), at.MaxLen(9)]


@dataclass(frozen=True, slots=True, kw_only=True)
class MultipleChoice(_QuestionBase):
    """Pick every correct choice; partial credit for partly right selections."""

    type: Literal["multiple_choice"]
    choices: Annotated[tuple[Choice, ...], at.MinLen(2), at.MaxLen(9)]


@dataclass(frozen=True, slots=True, kw_only=True)
class TrueFalse(_QuestionBase):
    """A statement that is either true or false."""

    type: Literal["true_false"]
    answer: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Numeric(_QuestionBase):
    """A number, accepted within an absolute or relative tolerance.

    `solution_code` prints the answer; the test suite runs it, so the key cannot drift from
    what the computation gives, and the user sees it after answering.
    """

    type: Literal["numeric"]
    answer: float
    abs_tol: Annotated[float, at.Ge(0)] | None = None
    rel_tol: Annotated[float, at.Ge(0)] | None = None
    unit: str | None = None
    solution_code: NonEmptyStr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortAnswer(_QuestionBase):
    """A word or phrase, matched ignoring case, spacing, punctuation and character width."""

    type: Literal["short_answer"]
    accept: tuple[NonEmptyStr, ...] = ()
    patterns: tuple[NonEmptyStr, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Open(_QuestionBase):
    """A free answer the user grades against a model answer and rubric points."""

    type: Literal["open"]
    model_answer: Text
    rubric: Annotated[tuple[Text, ...], at.MinLen(1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeOutput(_QuestionBase):
    """What a Python snippet prints; the test suite runs every snippet to keep `output` true."""

    type: Literal["code_output"]
    code: NonEmptyStr
    output: NonEmptyStr


Question: TypeAlias = (
    SingleChoice | MultipleChoice | TrueFalse | Numeric | ShortAnswer | Open | CodeOutput
)
QUESTION_TYPES: dict[str, type[Question]] = {
    "single_choice": SingleChoice,
    "multiple_choice": MultipleChoice,
    "true_false": TrueFalse,
    "numeric": Numeric,
    "short_answer": ShortAnswer,
    "open": Open,
    "code_output": CodeOutput,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DeckHeader:
    """A deck file's fields other than its questions (which are validated one by one)."""

    __pydantic_config__ = _STRICT_KEYS
    format_version: Literal[1]
    title: Text
    description: Text | None = None
