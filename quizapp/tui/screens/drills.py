"""The drill list: every drill with a mark for the ones the user has passed."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.bank.model import text_in
from quizapp.tui.errors import guarded
from quizapp.tui.widgets.pick_list import PickList

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

INTRO = {
    "en": (
        "Write each layer from plain tensor ops; the grader compares it with torch's. "
        "Enter opens one."
    ),
    "zh": "用基本张量运算实现每一层，评测器会与 torch 的实现逐项对比。回车打开。",
}


class DrillsScreen(Screen[None]):
    """Lists the drills."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", show=True)]

    def __init__(self) -> None:
        super().__init__()
        self.passed: set[str] = set()

    @property
    def quiz_app(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="drills-intro", classes="title")
        yield PickList(id="drill-list")
        yield Footer()

    def on_mount(self) -> None:
        self._render_list()
        self.load_passed()

    def on_screen_resume(self) -> None:
        self.load_passed()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_passed(self) -> None:
        passed = self.quiz_app.study.passed_drills()
        self.app.call_from_thread(self._set_passed, passed)

    def _set_passed(self, passed: set[str]) -> None:
        self.passed = passed
        self._render_list()

    def _render_list(self) -> None:
        lang = self.quiz_app.language
        self.query_one("#drills-intro", Static).update(INTRO[lang])
        options = self.query_one("#drill-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for drill_id, drill in sorted(self.quiz_app.study.drills.items()):
            mark = Text("✔ ", style="green") if drill_id in self.passed else Text("· ", style="dim")
            label = mark + Text(text_in(drill.title, lang), style="bold")
            # The signature on its own line: beside the title it wraps mid-argument at 80 columns.
            label.append(f"\n  {drill.signature}", style="dim")
            options.add_option(Option(label, drill_id))
        options.highlighted = highlighted if highlighted is not None else 0
        options.focus()

    @on(OptionList.OptionSelected, "#drill-list")
    @guarded
    def _open(self, event: OptionList.OptionSelected) -> None:
        from quizapp.tui.screens.drill import DrillScreen

        if event.option.id is not None:
            self.app.push_screen(DrillScreen(event.option.id))
