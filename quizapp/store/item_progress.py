"""Per-item progress (attempts, recent verdicts, card state, recall probability) from history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quizapp.quiz.sessions import RECENT_VERDICTS, ItemProgress
from quizapp.store.records import CardState, History
from quizapp.store.scheduling import ReviewScheduler


@dataclass(frozen=True, slots=True)
class Tally:
    """An item's attempt count, right answers and last answer time."""

    attempts: int
    correct: int
    last: datetime


def progress_from_history(
    history: History, scheduler: ReviewScheduler, now: datetime
) -> dict[str, ItemProgress]:
    """Per-item progress (counts, recent verdicts, card, retrievability) from a snapshot."""
    stats: dict[str, Tally] = {}
    recent: dict[str, list[bool]] = {}
    for a in history.attempts:
        old = stats.get(a.item_id)
        stats[a.item_id] = Tally(
            (old.attempts if old else 0) + 1, (old.correct if old else 0) + a.correct, a.answered_at
        )
        verdicts = recent.setdefault(a.item_id, [])
        verdicts.append(a.correct)
        del verdicts[:-RECENT_VERDICTS]
    cards = {c.item_id: c for c in history.cards}
    return merge_progress(stats, recent, cards, scheduler, now)


def merge_progress(
    stats: dict[str, Tally],
    recent: dict[str, list[bool]],
    cards: dict[str, CardState],
    scheduler: ReviewScheduler,
    now: datetime,
) -> dict[str, ItemProgress]:
    result: dict[str, ItemProgress] = {}
    for item_id in sorted(set(stats) | set(cards)):
        tally = stats.get(item_id)
        card = cards.get(item_id)
        result[item_id] = ItemProgress(
            item_id=item_id,
            attempts=tally.attempts if tally else 0,
            correct=tally.correct if tally else 0,
            recent=tuple(recent.get(item_id, ())),
            last_answered_at=tally.last if tally else None,
            due=card.due if card else None,
            state=int(card.state) if card else None,
            stability=card.stability if card else None,
            retrievability=scheduler.retrievability(card.card, now) if card else None,
        )
    return result
