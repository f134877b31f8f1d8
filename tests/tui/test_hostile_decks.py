"""Pilot test: deck text that looks like Rich markup is shown as text, on every screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Static

from quizapp.tui.app import make_app
from quizapp.tui.screens.summary import SummaryScreen

MARKUP_DECK = """\
format_version: 1
title: "[/oops] [bold"
questions:
  - id: "m[/1]"
    type: single_choice
    prompt: "[/x] which?"
    explanation: "[red]e"
    hints: ["[/h] a hint"]
    tags: ["[/t]", batchnorm]
    choices:
      - {text: "[/a]", correct: true, why: "[/w]"}
      - {text: "[b]", why: "[/z]"}
  - {id: m2, type: numeric, prompt: "[/y]", explanation: e, answer: 1, abs_tol: 0.1}
"""


def test_markup_in_deck_text_and_typed_answers_never_crashes_a_screen(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "markup.yaml").write_text(MARKUP_DECK, encoding="utf-8")

    async def flow() -> None:
        app = make_app(tmp_path / "data", [bank], shipped=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            for key in ("enter", "h"):
                await pilot.press(key)
                await pilot.pause()
            assert "[/h] a hint" in str(app.screen.query_one("#hints", Static).render())
            for key in ("1", "n", "[", "/", "x", "]", "enter"):  # not a number: a notice
                await pilot.press(key)
                await pilot.pause()
            for key in ("escape", "s"):
                await pilot.press(key)
                await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            await pilot.press("escape", "s")  # the stats screen lists the deck by its title
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert type(app.screen).__name__ == "StatsScreen"
            await pilot.press("escape", "o", *"[/d]", "enter")  # settings quote what was typed
            await pilot.pause()
            assert type(app.screen).__name__ == "SettingsScreen"

    asyncio.run(flow())
