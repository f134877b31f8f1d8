"""How an item is named to the user: a question by its prompt, a drill by its title, never by id."""

from __future__ import annotations

import re
from collections.abc import Mapping

from quizapp.bank.drill import Drill
from quizapp.bank.loader import Bank
from quizapp.bank.text import Lang, text_in, unwrap

LABEL_WIDTH = 80
_MARKUP = re.compile(r"\*\*|`|^#+\s*")


def item_label(
    bank: Bank, drills: Mapping[str, Drill], item_id: str, lang: Lang, width: int = LABEL_WIDTH
) -> str:
    """The prompt as plain text, cut at a word within `width`; a drill's title; else the id."""
    question = bank.question(item_id)
    if question is not None:
        text = _MARKUP.sub("", unwrap(text_in(question.prompt, lang)))
        if len(text) <= width:
            return text
        cut = text[: width - 1]
        return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    drill = drills.get(item_id)
    return text_in(drill.title, lang) if drill is not None else item_id
