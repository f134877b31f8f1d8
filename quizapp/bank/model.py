"""The question bank's runtime model: frozen dataclasses, one per question type.

These classes are the single definition of the deck format. Pydantic validates raw YAML data
into them (see `validation.py`) and derives the JSON Schema from them (`schema.py`), but this
module itself never imports pydantic, so the app can unpickle a cached bank without paying for it.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Annotated, Literal, TypeAlias

import annotated_types as at

FORMAT_VERSION = 1
LANGUAGES = ("en", "zh")
Lang: TypeAlias = Literal["en", "zh"]

# Pydantic reads `__pydantic_config__` from plain dataclasses: unknown keys are errors, and
# strings are never silently turned into numbers or booleans beyond YAML's own typing.
_STRICT_KEYS = {"extra": "forbid"}

NonEmptyStr = Annotated[str, at.MinLen(1)]
QuestionId = Annotated[str, at.MinLen(1), at.MaxLen(120)]


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalizedText:
    """Text in several languages; English is required, others fall back to it."""

    __pydantic_config__ = _STRICT_KEYS
    en: NonEmptyStr
    zh: NonEmptyStr | None = None


Text: TypeAlias = str | LocalizedText


def text_in(value: Text, lang: Lang) -> str:
    """The text in `lang`, falling back to English where that language is missing."""
    if isinstance(value, str):
        return value
    if lang == "zh" and value.zh:
        return value.zh
    return value.en


def has_language(value: Text, lang: Lang) -> bool:
    """Whether `value` has its own text in `lang` (English always counts as present)."""
    if lang == "en":
        return True
    return isinstance(value, LocalizedText) and bool(value.zh)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """A primary source: a paper, the torch docs, a write-up."""

    __pydantic_config__ = _STRICT_KEYS
    url: Annotated[str, at.MinLen(8)]
    title: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """One option of a choice question; `why` is shown when the user picks it."""

    __pydantic_config__ = _STRICT_KEYS
    text: Text
    correct: bool = False
    why: Text | None = None


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


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What lists, counts and schedules need of a question, without the question itself."""

    id: str
    type: str
    tags: tuple[str, ...]
    difficulty: int
    expected_seconds: int | None = None


class LoadedDeck:
    """A deck as the app uses it: where it came from, its id, and its valid questions.

    The questions are kept pickled until first asked for, and each question's `QuestionInfo`
    is kept as a plain tuple until then: start-up reads only headers, ids and counts, so
    opening the app costs about the same with 100 questions or 10,000.
    """

    __slots__ = (
        "_blob",
        "_infos",
        "_questions",
        "_rows",
        "deck_id",
        "description",
        "path",
        "title",
        "user",
    )

    def __init__(
        self,
        *,
        deck_id: str,
        path: str,
        title: Text,
        description: Text | None,
        questions: tuple[Question, ...],
        user: bool = False,
    ) -> None:
        self.deck_id = deck_id
        self.path = path
        self.title = title
        self.description = description
        self.user = user
        # Plain tuples unpickle in C; dataclass instances each cost a Python __setstate__.
        self._rows = tuple(
            (q.id, q.type, q.tags, q.difficulty, q.expected_seconds) for q in questions
        )
        self._infos: tuple[QuestionInfo, ...] | None = None
        self._questions: tuple[Question, ...] | None = questions
        self._blob: bytes | None = None

    @property
    def ids(self) -> tuple[str, ...]:
        """The question ids, in deck order (no question or info object is built)."""
        return tuple(row[0] for row in self._rows)

    @property
    def infos(self) -> tuple[QuestionInfo, ...]:
        if self._infos is None:
            self._infos = tuple(QuestionInfo(*row) for row in self._rows)
        return self._infos

    @property
    def questions(self) -> tuple[Question, ...]:
        if self._questions is None:
            assert self._blob is not None
            self._questions = pickle.loads(self._blob)
        return self._questions

    def __len__(self) -> int:
        return len(self._rows)

    def __getstate__(self) -> dict[str, object]:
        blob = self._blob if self._blob is not None else pickle.dumps(self._questions, protocol=5)
        return {
            "deck_id": self.deck_id,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "user": self.user,
            "_rows": self._rows,
            "_blob": blob,
            "_questions": None,
            "_infos": None,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LoadedDeck):
            return NotImplemented
        mine = (self.deck_id, self.path, self.title, self.description, self.user, self.questions)
        theirs = (other.deck_id, other.path, other.title, other.description, other.user)
        return mine == (*theirs, other.questions)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LoadedDeck({self.deck_id!r}, {len(self)} questions, path={self.path!r})"
