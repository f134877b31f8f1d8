"""The study facade: what the TUI asks of the layers below (bank, checking, progress).

Screens hold no logic of their own: they ask this object for decks and questions, hand it the
user's answers, and show the verdicts it returns. Keeping it free of Textual lets every flow be
tested without a terminal.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quizapp.bank.cache import DeckCache
from quizapp.bank.loader import Bank, load_bank
from quizapp.bank.model import Lang, LoadedDeck, Question
from quizapp.bank.problems import Problem
from quizapp.config import Settings, data_dir, load_settings
from quizapp.quiz.checking import Answer, SelfRating, Verdict, check_answer


@dataclass(slots=True)
class AnswerRecord:
    """One answered (or skipped) question in a session."""

    question: Question
    verdict: Verdict | None
    seconds: float
    hinted: bool = False


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


class Study:
    """The bank, the user's settings and (later) their progress, behind one object."""

    def __init__(
        self,
        folder: Path,
        banks: Sequence[Path] = (),
        *,
        use_cache: bool = True,
        shipped: bool = True,
    ) -> None:
        self.folder = folder
        self.settings: Settings = load_settings(folder)
        cache = DeckCache(folder / "cache" / "decks") if use_cache else None
        self.bank: Bank = load_bank([*self.settings.banks, *banks], shipped=shipped, cache=cache)
        self.language: Lang = "zh" if self.settings.language == "zh" else "en"

    @property
    def problems(self) -> list[Problem]:
        """Problems with the settings file and with any deck, for the home warning."""
        return [*self.settings.problems, *self.bank.problems]

    @property
    def decks(self) -> list[LoadedDeck]:
        return [d for d in self.bank.decks if len(d)]

    def deck_questions(self, deck_id: str) -> list[Question]:
        deck = self.bank.deck(deck_id)
        return list(deck.questions) if deck else []

    def answer(self, question: Question, answer: Answer | SelfRating) -> Verdict:
        """Check an answer (raises `AnswerError` for unreadable input, e.g. not a number)."""
        return check_answer(question, answer)


def open_study(
    folder: str | Path | None = None, banks: Sequence[Path] = (), *, shipped: bool = True
) -> Study:
    """The study facade for a data folder (`--data-dir`, `QUIZAPP_DATA_DIR` or the default)."""
    return Study(data_dir(folder), banks, shipped=shipped)


def now() -> float:
    """Monotonic seconds, for timing answers."""
    return time.monotonic()
