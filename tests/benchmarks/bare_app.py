"""A bare Textual app of the same size as quizapp's home screen: the start-up baseline.

Same widgets (header, a welcome line, an option list of decks, a footer), as many footer keys
as home shows and as many list rows as home has decks (`python bare_app.py ROWS`), but no
bank, no store, no quizapp code: the ratio against it is quizapp's own start-up cost, not
Textual's.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, OptionList, Static

KEYS = "rwmcdslqx"


class BareApp(App[None]):
    """Home's layout with placeholder data."""

    def __init__(self, rows: int = 8) -> None:
        super().__init__()
        self.rows = rows

    BINDINGS = [
        Binding(key, "bell" if key != "q" else "quit", f"Action {key}", show=True) for key in KEYS
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Welcome")
        yield OptionList(*(f"Deck {i}  {10 * i} questions" for i in range(self.rows)))
        yield Footer()


if __name__ == "__main__":
    BareApp(int(sys.argv[1]) if len(sys.argv) > 1 else 8).run()
