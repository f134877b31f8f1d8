"""Review scheduling with FSRS: the `ReviewScheduler` wrapper and the rule that rates answers.

The rating rule for auto-graded answers (also shown on the help screen):

- wrong: **Again**;
- right after a hint, or slower than the item's expected time: **Hard**;
- right within half the expected time, on a card already in FSRS's Review state whose stability
  is at least `EASY_MIN_STABILITY_DAYS`: **Easy**;
- otherwise right: **Good**.

`open` questions are rated by the user after seeing the model answer. Fuzzing is off so the same
history always gives the same schedule; every function takes "now" as an argument.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from quizapp.quiz.sessions import default_expected_seconds, expected_seconds

__all__ = [
    "EASY_MIN_STABILITY_DAYS",
    "ReviewScheduler",
    "default_expected_seconds",
    "expected_seconds",
    "rate_answer",
]

# A card needs this much stability (days until recall probability falls to 90%) before a fast
# right answer counts as Easy: a quick answer on a barely learned card is not proof of ease.
EASY_MIN_STABILITY_DAYS = 10.0
# "Fast" means within this share of the expected time.
EASY_TIME_FRACTION = 0.5


def rate_answer(
    *,
    correct: bool,
    seconds: float,
    expected: float,
    hint_used: bool = False,
    card: Card | None = None,
) -> Rating:
    """The FSRS rating of an auto-graded answer (see the module docstring for the rule).

    Args:
        correct: the grader's verdict.
        seconds: time the user took.
        expected: the item's expected time in seconds.
        hint_used: whether a hint was shown before answering.
        card: the item's card before this answer (None for a new item).
    """
    if not correct:
        return Rating.Again
    if hint_used or seconds > expected:
        return Rating.Hard
    well_known = (
        card is not None
        and card.state == State.Review
        and card.stability is not None
        and card.stability >= EASY_MIN_STABILITY_DAYS
    )
    if well_known and seconds <= expected * EASY_TIME_FRACTION:
        return Rating.Easy
    return Rating.Good


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; naive datetimes are refused rather than guessed."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC)


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (the default clock)."""
    return datetime.now(UTC)


def card_id_for(item_id: str) -> int:
    """A stable FSRS card id for an item, so exports and tests are reproducible."""
    return int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:6], "big")


@dataclass(frozen=True, slots=True)
class Review:
    """The outcome of reviewing a card: the card after, and whether it lapsed."""

    card: Card
    rating: Rating
    lapsed: bool


class ReviewScheduler:
    """FSRS with fixed settings: no fuzzing, 90% desired retention unless told otherwise."""

    def __init__(
        self,
        *,
        desired_retention: float = 0.9,
        learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10)),
        relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),),
        maximum_interval_days: int = 36500,
    ) -> None:
        self._scheduler = Scheduler(
            desired_retention=desired_retention,
            learning_steps=learning_steps,
            relearning_steps=relearning_steps,
            maximum_interval=maximum_interval_days,
            enable_fuzzing=False,
        )

    def new_card(self, item_id: str, now: datetime) -> Card:
        """A card never reviewed, due at `now`."""
        return Card(card_id=card_id_for(item_id), due=as_utc(now))

    def review(
        self, card: Card, rating: Rating, now: datetime, seconds: float | None = None
    ) -> Review:
        """Apply `rating` to `card` at `now`; the given card is left unchanged."""
        duration_ms = None if seconds is None else round(seconds * 1000)
        after, _log = self._scheduler.review_card(card, rating, as_utc(now), duration_ms)
        lapsed = rating == Rating.Again
        return Review(card=after, rating=rating, lapsed=lapsed)

    def retrievability(self, card: Card, now: datetime) -> float:
        """Probability of recall at `now` (0 for a card never reviewed)."""
        return float(self._scheduler.get_card_retrievability(card, as_utc(now)))
