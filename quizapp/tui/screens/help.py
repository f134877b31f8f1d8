"""Help: every key, the language, the data folder, and any deck that failed validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

KEYS = """\
## Keys

| where | key | does |
| --- | --- | --- |
| everywhere | F1 | this help |
| everywhere | Ctrl+Q | quit (progress is saved on every answer) |
| everywhere | Ctrl+P | command palette: every action by name |
| home | ↑ ↓, Enter | pick a deck, start it |
| home | l | English / 中文 |
| quiz | 1-9 | pick a choice; in multiple choice toggle it (Space too), Enter submits |
| quiz | typing, Enter | numeric, short answer and code-output answers |
| quiz | Enter, then 1-4 | open questions: compare with the model answer, rate yourself |
| quiz | h / s / n | hint / skip / next question |
| quiz | Esc | leave the text input (then h, s work), or go back home |
"""


class HelpScreen(Screen[None]):
    """Static help plus the live state of the bank and the data folder."""

    BINDINGS = [Binding("escape,q,f1", "app.pop_screen", "Close", show=True)]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Markdown(self._text())
        yield Footer()

    def _text(self) -> str:
        study = cast("QuizApp", self.app).study
        decks = len(study.bank.decks)
        questions = len(study.bank.deck_of)
        lines = [
            KEYS,
            "## Where things are\n",
            f"- data folder: `{study.folder}`",
            f"- language: `{study.language}`",
            f"- {questions} questions in {decks} decks",
        ]
        if study.problems:
            lines.append("\n## Problems in your files\n")
            lines.append("```\n" + "\n".join(str(p) for p in study.problems) + "\n```")
        return "\n".join(lines)
