"""The rating rule and the FSRS wrapper: deterministic, and the rule as stated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, State
from hypothesis import given
from hypothesis import strategies as st
from store_helpers import T0, single

from quizapp.store.scheduling import (
    EASY_MIN_STABILITY_DAYS,
    ReviewScheduler,
    default_expected_seconds,
    expected_seconds,
    rate_answer,
)


def _review_card(stability: float) -> Card:
    return Card(
        card_id=1,
        state=State.Review,
        stability=stability,
        difficulty=5.0,
        due=T0,
        last_review=T0 - timedelta(days=10),
    )


WELL_KNOWN = _review_card(EASY_MIN_STABILITY_DAYS + 5)


@pytest.mark.parametrize(
    ("correct", "seconds", "hint", "card", "rating"),
    [
        (False, 5, False, None, Rating.Again),
        (False, 5, False, WELL_KNOWN, Rating.Again),
        (True, 10, True, WELL_KNOWN, Rating.Hard),  # hint
        (True, 41, False, None, Rating.Hard),  # slower than expected
        (True, 40, False, None, Rating.Good),  # exactly the expected time
        (True, 5, False, None, Rating.Good),  # fast, but a new card
        (True, 5, False, _review_card(2.0), Rating.Good),  # fast, barely learned
        (True, 20, False, WELL_KNOWN, Rating.Easy),  # half the expected time, well known
        (True, 21, False, WELL_KNOWN, Rating.Good),
    ],
)
def test_rating_rule(
    correct: bool, seconds: float, hint: bool, card: Card | None, rating: Rating
) -> None:
    assert (
        rate_answer(correct=correct, seconds=seconds, expected=40, hint_used=hint, card=card)
        == rating
    )


@given(
    correct=st.booleans(),
    seconds=st.floats(min_value=0, max_value=10_000),
    expected=st.floats(min_value=1, max_value=3600),
    hint=st.booleans(),
    stability=st.none() | st.floats(min_value=0.01, max_value=1000),
)
def test_rating_rule_properties(
    correct: bool, seconds: float, expected: float, hint: bool, stability: float | None
) -> None:
    card = None if stability is None else _review_card(stability)
    rating = rate_answer(
        correct=correct, seconds=seconds, expected=expected, hint_used=hint, card=card
    )
    assert (rating == Rating.Again) == (not correct)
    if correct and (hint or seconds > expected):
        assert rating == Rating.Hard
    if rating == Rating.Easy:
        assert card is not None and seconds <= expected / 2 and not hint


def test_expected_seconds_defaults_by_type_and_difficulty() -> None:
    assert expected_seconds(single("q", expected=99)) == 99
    assert expected_seconds(single("q")) == default_expected_seconds("single_choice", 2) == 40
    assert default_expected_seconds("true_false", 1) < default_expected_seconds("true_false", 3)
    assert default_expected_seconds("drill") > default_expected_seconds("open")


def test_scheduler_is_deterministic() -> None:
    def run() -> list[datetime]:
        scheduler = ReviewScheduler()
        card = scheduler.new_card("bn.q", T0)
        dues = []
        now = T0
        for rating in (Rating.Good, Rating.Good, Rating.Good, Rating.Again, Rating.Good):
            card = scheduler.review(card, rating, now).card
            dues.append(card.due)
            now = card.due
        return dues

    assert run() == run()


def test_scheduler_needs_aware_times_and_accepts_any_zone() -> None:
    scheduler = ReviewScheduler()
    card = scheduler.new_card("q", T0)
    with pytest.raises(ValueError, match="aware"):
        scheduler.review(card, Rating.Good, datetime(2025, 1, 1))
    paris = T0.astimezone(timezone(timedelta(hours=1)))
    after = scheduler.review(card, Rating.Good, paris).card
    assert after.last_review == T0 and after.last_review.tzinfo == UTC


def test_retrievability_falls_with_time() -> None:
    scheduler = ReviewScheduler()
    card = scheduler.new_card("q", T0)
    for _ in range(3):
        card = scheduler.review(card, Rating.Good, card.due).card
    assert scheduler.retrievability(scheduler.new_card("x", T0), T0) == 0
    soon = scheduler.retrievability(card, card.due)
    later = scheduler.retrievability(card, card.due + timedelta(days=60))
    assert 0 < later < soon <= 1
