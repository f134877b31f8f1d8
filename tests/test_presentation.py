"""Choice order: shuffled per showing from a seed, pinned options fixed, answers by identity."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from quizapp.bank.model import Choice, MultipleChoice, SingleChoice
from quizapp.quiz.checking import check_answer
from quizapp.quiz.presentation import SEED_BOUND, choice_order, new_seed


def _question(pins: list[bool]) -> SingleChoice:
    choices = tuple(
        Choice(text=f"option {i}", correct=i == 0, pin=pin) for i, pin in enumerate(pins)
    )
    return SingleChoice(id="q", prompt="p", explanation="e", type="single_choice", choices=choices)


@given(st.lists(st.booleans(), min_size=2, max_size=9), st.integers(0, SEED_BOUND - 1))
def test_order_is_a_permutation_that_keeps_pinned_choices_in_place(
    pins: list[bool], seed: int
) -> None:
    order = choice_order(_question(pins), seed)
    assert sorted(order) == list(range(len(pins)))
    assert all(order[i] == i for i, pin in enumerate(pins) if pin)
    assert choice_order(_question(pins), seed) == order  # the seed brings the order back


def test_without_a_seed_the_written_order() -> None:
    assert choice_order(_question([False] * 4), None) == (0, 1, 2, 3)


def test_the_correct_option_lands_in_every_place_about_equally() -> None:
    rng = random.Random(0)
    question = _question([False] * 4)
    places = Counter(choice_order(question, new_seed(rng)).index(0) for _ in range(4000))
    assert set(places) == {0, 1, 2, 3}
    assert all(900 < n < 1100 for n in places.values()), places


def test_an_all_of_the_above_option_stays_last() -> None:
    question = _question([False, False, False, True])
    rng = random.Random(1)
    orders = {choice_order(question, new_seed(rng)) for _ in range(200)}
    assert len(orders) == 6 and all(order[3] == 3 for order in orders)


def test_an_answer_names_the_choice_not_the_place_it_was_shown() -> None:
    multi = MultipleChoice(
        id="m",
        prompt="p",
        explanation="e",
        type="multiple_choice",
        choices=(Choice(text="a", correct=True), Choice(text="b"), Choice(text="c", correct=True)),
    )
    for seed in range(20):
        order = choice_order(multi, seed)
        shown_keys = {order.index(0), order.index(2)}  # where the right ones were shown
        picked = frozenset(order[k] for k in shown_keys)
        assert check_answer(multi, picked).correct


def test_the_anki_export_does_not_list_the_right_option_first() -> None:
    from quizapp.bank.loader import load_bank
    from quizapp.quiz.anki import note_for

    singles = [q for q in load_bank().questions if isinstance(q, SingleChoice)]
    notes = [note_for(q, "en") for q in singles]
    first = sum(1 for note in notes if note.back.startswith("✓ A. "))
    assert first < len(singles) / 2  # written order had it first in every one
    assert [note_for(q, "en") for q in singles] == notes  # the same file on every export
