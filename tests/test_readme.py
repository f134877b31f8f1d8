"""The README's screen sample and its numbers are the real app's, not last month's."""

from __future__ import annotations

import re
from pathlib import Path

from quizapp.bank.loader import load_bank
from quizapp.bank.model import text_in

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_sample_quiz_card_names_a_real_deck_with_its_real_size() -> None:
    match = re.search(r"^ (.+?) · 1/(\d+) ", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert match is not None, "the README shows a quiz card"
    sizes = {text_in(deck.title, "en"): len(deck) for deck in load_bank().decks}
    assert sizes.get(match[1]) == int(match[2])
