"""A bare Textual app of similar size to quizapp's home screen: the start-up baseline."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, OptionList, Static


class BareApp(App[None]):
    """Header, a welcome line, a list of eight items and a footer; no data loading."""

    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Welcome")
        yield OptionList(*(f"Deck {i}  {10 * i} questions" for i in range(8)))
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
