"""How a choice question is shown: its options in an order drawn from a seed, pinned ones fixed.

The seed is recorded with the attempt, so the same order comes back for undo, for looking at
an attempt again and in tests. Answers always name choices by their index in the deck, never
by where they were shown.
"""

from __future__ import annotations

import random

from quizapp.bank.model import MultipleChoice, Question, SingleChoice

# Seeds fit a signed 32-bit integer, so they survive any SQLite or JSON round trip.
SEED_BOUND = 2**31


def new_seed(rng: random.Random) -> int:
    """A fresh presentation seed."""
    return rng.randrange(SEED_BOUND)


def choice_order(question: Question, seed: int | None) -> tuple[int, ...]:
    """Deck indices of the question's choices in the order to show them.

    Pinned choices keep their written position; the others are shuffled among the remaining
    places. Without a seed, or for a question without choices, the written order.
    """
    if not isinstance(question, SingleChoice | MultipleChoice):
        return ()
    written = range(len(question.choices))
    if seed is None:
        return tuple(written)
    free = [i for i in written if not question.choices[i].pin]
    random.Random(seed).shuffle(free)
    shuffled = iter(free)
    return tuple(i if question.choices[i].pin else next(shuffled) for i in written)
