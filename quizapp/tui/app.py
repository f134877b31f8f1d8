"""The Textual app: wires the study facade, the screens and the app-wide bindings."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen

from quizapp.bank.text import Lang
from quizapp.study import Study, open_study
from quizapp.tui import line_breaking
from quizapp.tui.screens.home import HomeScreen


class QuizApp(App[None]):
    """quizapp's terminal UI."""

    CSS_PATH = "app.tcss"
    TITLE = "quizapp"
    BINDINGS = [
        Binding("f1", "help", "Help", show=True),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    language: reactive[Lang] = reactive("en")

    def __init__(self, study: Study) -> None:
        line_breaking.install()  # Chinese wraps between characters, not only at spaces
        super().__init__()
        self.study = study
        self.set_reactive(QuizApp.language, study.language)
        # `guarded` handlers re-raise under a test harness (headless) unless told otherwise.
        self.reraise_errors: bool | None = None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast; plain text by default, since messages carry deck text, paths and answers
        (a `[/x]` in any of them would be read as Rich markup and raise)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands, then every action of the current screen under its key."""
        own = list(super().get_system_commands(screen))
        yield from own
        # One entry per action: `q` and Ctrl+Q both quit, and Textual lists Quit itself.
        seen = {command.title.casefold() for command in own}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            title = binding.tooltip or binding.description  # footer labels are short; say more
            if not title or title.casefold() in seen or not active.enabled:
                continue
            seen.add(title.casefold())
            yield SystemCommand(
                title,
                f"key: {self.get_key_display(binding) or key}",
                partial(self.run_action, binding.action, active.node),
            )

    def get_default_screen(self) -> HomeScreen:
        # Home is the bottom of the stack itself: pushing it over Textual's blank default
        # screen would lay out and paint that screen first (~20 ms of start-up, measured).
        return HomeScreen()

    def action_help(self) -> None:
        from quizapp.tui.screens.help import HelpScreen  # deferred: Markdown is slow to import

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def toggle_language(self) -> None:
        """Switch English / Chinese; screens watch `language` and re-render."""
        self.language = "zh" if self.language == "en" else "en"
        self.study.set_language(self.language)


def make_app(
    data_dir: str | Path | None = None,
    banks: Sequence[Path] = (),
    *,
    shipped: bool = True,
    rng: random.Random | None = None,
) -> QuizApp:
    """The app for a data folder and extra bank folders (used by the CLI and the tests).

    `rng` draws the seeds that shuffle choices (tests pass a seeded one).
    """
    return QuizApp(open_study(data_dir, banks, shipped=shipped, rng=rng))
