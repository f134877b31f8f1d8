"""Plain records the study facade hands the screens: a session to run, its answers, its summary,
and a deck's counts for home. No logic beyond summing what was recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from quizapp.bank.model import Question
    from quizapp.quiz.checking import Verdict

Mode = Literal["learn", "review", "cram", "mock"]


@dataclass(frozen=True, slots=True)
class DeckCounts:
    """What home shows beside a deck."""

    total: int
    seen: int
    due: int
    mastered: int


@dataclass(frozen=True, slots=True)
class StudySession:
    """Questions to ask, in order, and how the answers count."""

    title: str
    questions: list[Question]
    mode: Mode = "learn"
    time_limit_seconds: int | None = None
    drills: list[str] = field(default_factory=list)  # asked after the questions (mock)


@dataclass(slots=True)
class AnswerRecord:
    """One answered (or skipped) question in a session."""

    question: Question
    verdict: Verdict | None
    seconds: float
    hinted: bool = False
    overridden: bool = False  # the user declared a typed answer right ("I was right")
    answer: object = None
    seed: int | None = None  # ordered the choices as shown (undo shows the same order)
    saved: bool = False  # in the store, so undo and "I was right" may replace it there


@dataclass(slots=True)
class SessionResult:
    """What a finished quiz session shows in its summary.

    A mock interview scores like an interview: a skipped question counts as not answered
    (`strict`), its time is the wall time its clock showed (`wall_seconds`) and its drill's
    verdict is part of it (`drill`: the drill id and passed, failed or never run).
    """

    records: list[AnswerRecord] = field(default_factory=list)
    strict: bool = False
    wall_seconds: float | None = None
    drill: tuple[str, bool | None] | None = None

    @property
    def answered(self) -> list[AnswerRecord]:
        return [r for r in self.records if r.verdict is not None]

    @property
    def score(self) -> float:
        counted = self.records if self.strict else self.answered
        return sum(r.verdict.score for r in self.answered if r.verdict) / max(1, len(counted))

    @property
    def to_review(self) -> list[Question]:
        return [r.question for r in self.records if r.verdict is None or not r.verdict.correct]

    @property
    def seconds(self) -> float:
        if self.wall_seconds is not None:
            return self.wall_seconds
        return sum(r.seconds for r in self.records)
