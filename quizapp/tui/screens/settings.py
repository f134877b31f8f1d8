"""Study settings: the interview date, the daily caps and the leech threshold."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from quizapp.tui.errors import guarded

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

FIELDS = (
    ("interview_date", "Interview date (YYYY-MM-DD, empty: none)"),
    ("daily_new_cap", "New cards per day"),
    ("daily_review_cap", "Reviews per day"),
    ("leech_threshold", "Wrong answers that make a leech"),
)


class SettingsScreen(ModalScreen[bool]):
    """Edits the study settings; dismissed with True when saved."""

    DEFAULT_CSS = """
    SettingsScreen {
        align: center middle;
    }
    SettingsScreen > Vertical {
        width: 70;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    SettingsScreen Grid {
        grid-size: 2;
        grid-columns: 1fr 18;
        grid-rows: 3;
        height: auto;
    }
    SettingsScreen Label {
        padding: 1 0;
    }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", show=True, priority=True),
        Binding("escape", "cancel", "Cancel", show=True),
    ]

    def compose(self) -> ComposeResult:
        settings = cast("QuizApp", self.app).study.study_settings()
        with Vertical():
            yield Static("[b]Study settings[/]  (Enter or Ctrl+S saves, Esc cancels)")
            with Grid():
                for name, label in FIELDS:
                    value = getattr(settings, name)
                    yield Label(label)
                    yield Input("" if value is None else str(value), id=name)
            yield Static(id="settings-error", classes="warning")

    def on_mount(self) -> None:
        self.query_one("#interview_date", Input).focus()

    @on(Input.Submitted)
    async def _submitted(self) -> None:
        await self.action_save()

    @guarded
    def action_save(self) -> None:
        from quizapp.store.study_settings import parse_interview_date

        study = cast("QuizApp", self.app).study
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name, _ in FIELDS}
        error = self.query_one("#settings-error", Static)
        try:
            date = (
                parse_interview_date(values["interview_date"]) if values["interview_date"] else None
            )
            caps = {k: int(v) for k, v in values.items() if k != "interview_date"}
        except ValueError as exc:
            error.update(  # Text: the message quotes what was typed, which may hold `[`
                Text(f"⚠ {exc}" if "date" in str(exc) else "⚠ caps and threshold are whole numbers")
            )
            return
        problem = study.save_study_settings(
            replace(study.study_settings(), interview_date=date, **caps)
        )
        if problem:
            error.update(Text(f"⚠ {problem}"))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
