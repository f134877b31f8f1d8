"""Fixtures for TUI tests: an app over a temporary data folder and the fixture bank only."""

from __future__ import annotations

import io
from pathlib import Path
from typing import cast

import pytest
from rich.console import Console
from textual.pilot import Pilot

from quizapp.tui.app import QuizApp, make_app

FIXTURE_BANK = Path(__file__).resolve().parents[1] / "fixtures" / "bank"


@pytest.fixture
def app(tmp_path: Path) -> QuizApp:
    return make_app(tmp_path / "data", [FIXTURE_BANK], shipped=False)


def key_for(app: QuizApp, choice: int) -> str:
    """The number key that picks the choice at index `choice` in the deck, in the order shown."""
    from quizapp.tui.widgets.answers import AnswerArea

    return str(app.screen.query_one(AnswerArea).order.index(choice) + 1)


async def choose(pilot: Pilot[None], *choices: int) -> None:
    """Press the keys of deck choices where they are shown (choices are shuffled)."""
    for choice in choices:
        await pilot.press(key_for(cast(QuizApp, pilot.app), choice))
        await pilot.pause()


def options_text(app: QuizApp, width: int = 100) -> str:
    """The choice list as the user reads it (with the feedback marks once answered)."""
    from quizapp.tui.widgets.choices import ChoiceList

    console = Console(width=width, record=True, file=io.StringIO())
    for option in app.screen.query_one(ChoiceList).options:
        console.print(option.prompt)
    return console.export_text()
