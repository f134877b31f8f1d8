"""Home: every deck with its question count; start one with Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.bank.model import text_in

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

WELCOME = {
    "en": (
        "Welcome! Pick a deck with ↑/↓ and press [b]Enter[/] to start. "
        "[b]l[/] switches English/中文, [b]F1[/] lists every key."
    ),
    "zh": (
        "欢迎！用 ↑/↓ 选择题组，按 [b]Enter[/] 开始。"
        "[b]l[/] 切换中文/English，[b]F1[/] 查看所有按键。"
    ),
}


class HomeScreen(Screen[None]):
    """The deck list."""

    BINDINGS = [
        Binding("enter", "start", "Start deck", show=True),
        Binding("l", "language", "EN/中文", show=True),
        Binding("q", "app.quit", "Quit", show=True),
    ]

    @property
    def quiz_app(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(id="welcome")
            yield Static(id="warnings", classes="warning")
            yield OptionList(id="decks")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "language", self._render_all)

    def _render_all(self, _lang: object = None) -> None:
        study = self.quiz_app.study
        lang = self.quiz_app.language
        self.query_one("#welcome", Static).update(WELCOME[lang])
        broken = study.problems
        warnings = self.query_one("#warnings", Static)
        warnings.display = bool(broken)
        if broken:
            files = ", ".join(dict.fromkeys(p.path for p in broken))
            warnings.update(f"⚠ {len(broken)} problem(s) in {files}: F1 shows them")
        decks = self.query_one("#decks", OptionList)
        highlighted = decks.highlighted
        decks.clear_options()
        for deck in study.decks:
            count = len(deck)
            size = f"{count} questions" if lang == "en" else f"{count} 题"
            label = f"{text_in(deck.title, lang)}  [dim]{size}[/]"
            decks.add_option(Option(label, id=deck.deck_id))
        decks.highlighted = highlighted if highlighted is not None else 0
        decks.focus()

    @on(OptionList.OptionSelected, "#decks")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._start(event.option.id)

    def action_start(self) -> None:
        decks = self.query_one("#decks", OptionList)
        if decks.highlighted is not None:
            self._start(decks.get_option_at_index(decks.highlighted).id)

    def _start(self, deck_id: str | None) -> None:
        study = self.quiz_app.study
        deck = study.bank.deck(deck_id or "")
        if deck is None:
            return
        from quizapp.tui.screens.quiz import QuizScreen  # deferred: keeps start-up light

        self.app.push_screen(QuizScreen(deck.title, list(deck.questions)))

    def action_language(self) -> None:
        self.quiz_app.toggle_language()
