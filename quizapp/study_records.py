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


@dataclass(slots=True)
class SessionResult:
    """What a finished quiz session shows in its summary."""

    records: list[AnswerRecord] = field(default_factory=list)

    @property
    def answered(self) -> list[AnswerRecord]:
        return [r for r in self.records if r.verdict is not None]

    @property
    def score(self) -> float:
        return sum(r.verdict.score for r in self.answered if r.verdict) / max(1, len(self.answered))

    @property
    def to_review(self) -> list[Question]:
        return [r.question for r in self.records if r.verdict is None or not r.verdict.correct]

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.records)
