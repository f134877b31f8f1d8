"""The store's record types: attempts, drill runs, card states, and a whole-history snapshot.

Plain frozen dataclasses with timezone-aware UTC datetimes; `to_dict` gives each one's stable
JSON shape (used by `export --format json` and, later, `import-progress`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeAlias

from fsrs import Card, State

from quizapp.quiz.sessions import ItemKind, Mode

JSONValue: TypeAlias = bool | int | float | str | list[Any] | dict[str, Any] | None


def to_json_value(value: object) -> JSONValue:
    """`value` as plain JSON data: sets become sorted lists, tuples lists, unknowns strings."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, set | frozenset):
        items = [to_json_value(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    return str(value)


def iso(moment: datetime) -> str:
    """The stored form of a timestamp: UTC, microseconds, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    """A stored timestamp back as an aware UTC datetime."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One recorded answer to a question, or one drill sitting that counted as a review.

    `rating` is the FSRS rating applied (for `cram`, the one that would have been applied),
    `state_before` the card's FSRS state before the answer (None for a new item). `seed`
    ordered a choice question's options as shown (`quiz.presentation`); `overridden` marks a
    typed answer the user declared right after the checker said wrong.
    """

    id: int
    uid: str
    item_id: str
    kind: ItemKind
    deck: str | None
    tags: tuple[str, ...]
    answer: JSONValue
    correct: bool
    score: float | None
    seconds: float
    answered_at: datetime
    language: str
    mode: Mode
    rating: int | None
    hint_used: bool
    state_before: int | None
    seed: int | None = None
    overridden: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "item_id": self.item_id,
            "kind": self.kind,
            "deck": self.deck,
            "tags": list(self.tags),
            "answer": self.answer,
            "correct": self.correct,
            "score": self.score,
            "seconds": self.seconds,
            "answered_at": iso(self.answered_at),
            "language": self.language,
            "mode": self.mode,
            "rating": self.rating,
            "hint_used": self.hint_used,
            "state_before": self.state_before,
            "seed": self.seed,
            "overridden": self.overridden,
        }


@dataclass(frozen=True, slots=True)
class DrillRun:
    """One run of the grader on the user's drill solution."""

    id: int
    uid: str
    drill_id: str
    attempt_id: int | None
    code_hash: str
    passed: bool
    failed_checks: tuple[str, ...]
    diagnosis_ids: tuple[str, ...]
    duration: float
    ran_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "drill_id": self.drill_id,
            "attempt_id": self.attempt_id,
            "code_hash": self.code_hash,
            "passed": self.passed,
            "failed_checks": list(self.failed_checks),
            "diagnosis_ids": list(self.diagnosis_ids),
            "duration": self.duration,
            "ran_at": iso(self.ran_at),
        }


@dataclass(frozen=True, slots=True)
class CardState:
    """An item's FSRS card and counters.

    `reps` counts reviews applied to the card, `lapses` the Again ratings given while the card
    was in the Review state (forgotten after being learned).
    """

    item_id: str
    kind: ItemKind
    card: Card
    reps: int
    lapses: int
    updated_at: datetime

    @property
    def due(self) -> datetime:
        return self.card.due

    @property
    def state(self) -> State:
        return self.card.state

    @property
    def stability(self) -> float | None:
        return self.card.stability

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "kind": self.kind,
            "card": dict(self.card.to_dict()),
            "due": iso(self.due),
            "state": int(self.state),
            "stability": self.stability,
            "reps": self.reps,
            "lapses": self.lapses,
            "updated_at": iso(self.updated_at),
        }


@dataclass(frozen=True, slots=True)
class DueCard:
    """A card due for review, with its recall probability at the time asked."""

    item_id: str
    kind: ItemKind
    due: datetime
    retrievability: float


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    """What recording an answer did: the attempt, the rating, and the card after (if any)."""

    attempt: Attempt
    rating: int
    scheduled: bool  # False for cram: the card was left as it was
    card: CardState | None


@dataclass(frozen=True, slots=True)
class RecordedDrillRun:
    """What recording a drill run did; `answer` is set when the run counted as a review."""

    run: DrillRun
    answer: RecordedAnswer | None


@dataclass(frozen=True, slots=True)
class History:
    """Everything in the store at one moment, oldest first: the input of reports and exports."""

    attempts: tuple[Attempt, ...]
    drill_runs: tuple[DrillRun, ...]
    cards: tuple[CardState, ...]
    settings: dict[str, JSONValue]
