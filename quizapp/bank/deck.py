"""A loaded deck as the app holds it: header, per-question infos, questions loaded on demand.

Unpickling a `LoadedDeck` from the cache imports only this module and `text`; the question
classes (`model`) are imported the first time a deck's questions are unpickled.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizapp.bank.text import Text

if TYPE_CHECKING:
    from quizapp.bank.model import Question


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

    The questions are kept pickled until first asked for, and so are the plain tuples each
    question's `QuestionInfo` is built from: start-up reads only headers, ids and counts, so
    opening the app costs about the same with 100 questions or 10,000.
    """

    __slots__ = (
        "_blob",
        "_ids",
        "_infos",
        "_questions",
        "_rows",
        "_rows_blob",
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
        self._ids = tuple(q.id for q in questions)
        # Plain tuples unpickle in C; dataclass instances each cost a Python __setstate__.
        self._rows: tuple[tuple[object, ...], ...] | None = tuple(
            (q.id, q.type, q.tags, q.difficulty, q.expected_seconds) for q in questions
        )
        self._rows_blob: bytes | None = None
        self._infos: tuple[QuestionInfo, ...] | None = None
        self._questions: tuple[Question, ...] | None = questions
        self._blob: bytes | None = None

    @property
    def ids(self) -> tuple[str, ...]:
        """The question ids, in deck order (no question or info object is built)."""
        return self._ids

    @property
    def infos(self) -> tuple[QuestionInfo, ...]:
        if self._infos is None:
            if self._rows is None:
                assert self._rows_blob is not None
                self._rows = pickle.loads(self._rows_blob)
            self._infos = tuple(QuestionInfo(*row) for row in self._rows)
        return self._infos

    @property
    def questions(self) -> tuple[Question, ...]:
        if self._questions is None:
            assert self._blob is not None
            self._questions = pickle.loads(self._blob)
        return self._questions

    def __len__(self) -> int:
        return len(self._ids)

    def __getstate__(self) -> dict[str, object]:
        blob = self._blob if self._blob is not None else pickle.dumps(self._questions, protocol=5)
        # The infos stay pickled too: a warm start needs only ids and counts, and unpickling
        # 10,000 rows (tuples of tuples) cost more than all the rest of a deck's entry.
        rows = self._rows_blob if self._rows is None else pickle.dumps(self._rows, protocol=5)
        return {
            "deck_id": self.deck_id,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "user": self.user,
            "_ids": self._ids,
            "_rows": None,
            "_rows_blob": rows,
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
