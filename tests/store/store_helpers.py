"""Helpers for the progress store tests: a hand-moved clock, sample questions, table dumps."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizapp.bank.model import Open, SingleChoice, TrueFalse

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


def true_false(qid: str, *, tags: tuple[str, ...] = ("dropout",), difficulty: int = 2) -> TrueFalse:
    return TrueFalse(
        id=qid,
        prompt="p",
        explanation="e",
        tags=tags,
        difficulty=difficulty,
        type="true_false",
        answer=True,
    )


def single(
    qid: str, *, tags: tuple[str, ...] = ("batchnorm",), expected: int | None = None
) -> SingleChoice:
    from quizapp.bank.model import Choice

    return SingleChoice(
        id=qid,
        prompt="p",
        explanation="e",
        tags=tags,
        type="single_choice",
        choices=(Choice(text="a", correct=True), Choice(text="b")),
        expected_seconds=expected,
    )


def open_question(qid: str) -> Open:
    return Open(id=qid, prompt="p", explanation="e", type="open", model_answer="m", rubric=("r",))


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the database at `path` (for before/after comparisons)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()
