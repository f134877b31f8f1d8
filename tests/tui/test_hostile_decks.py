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


def test_a_full_disk_is_said_for_every_answer_and_saving_resumes(tmp_path: Path) -> None:
    from quizapp.store.errors import StoreFullError
    from quizapp.store.progress import ProgressStore
    from quizapp.tui.screens.quiz import QuizScreen
    from tests.tui.conftest import FIXTURE_BANK, choose

    async def flow() -> None:
        app = make_app(tmp_path / "data", [FIXTURE_BANK], shipped=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            store = app.study.store
            assert store is not None
            real = store.record_answer

            def full(*args: object, **kwargs: object) -> object:
                raise StoreFullError("the disk is full")

            store.record_answer = full  # type: ignore[method-assign]
            await choose(pilot, 0)  # fx.single
            screen = app.screen
            assert isinstance(screen, QuizScreen) and screen.answered  # the quiz goes on
            said = [str(n.message) for n in app._notifications]
            assert any("NOT saved" in m and "disk is full" in m for m in said)
            store.record_answer = real  # type: ignore[method-assign]
            await pilot.press("n")
            await choose(pilot, 0, 1)
            await pilot.press("enter")  # fx.multi, saved again
            await pilot.pause()
        with ProgressStore.open(tmp_path / "data") as store:
            assert [a.item_id for a in store.attempts()] == ["fx.multi"]

    asyncio.run(flow())


def test_undo_of_an_unsaved_answer_never_removes_an_earlier_saved_one(tmp_path: Path) -> None:
    from quizapp.store.errors import StoreFullError
    from quizapp.store.progress import ProgressStore
    from quizapp.tui.screens.quiz import QuizScreen
    from tests.tui.conftest import FIXTURE_BANK, choose

    async def flow() -> None:
        app = make_app(tmp_path / "data", [FIXTURE_BANK], shipped=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            await choose(pilot, 0)  # fx.single, saved
            store = app.study.store
            assert store is not None

            def full(*args: object, **kwargs: object) -> object:
                raise StoreFullError("the disk is full")

            store.record_answer = full  # type: ignore[method-assign]
            await pilot.press("n")
            await choose(pilot, 0)
            await pilot.press("enter")  # fx.multi: not saved
            await pilot.pause()
            await pilot.press("u")  # takes back the unsaved answer, in the session only
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QuizScreen) and screen.index == 1 and not screen.answered
        with ProgressStore.open(tmp_path / "data") as store:
            assert [a.item_id for a in store.attempts()] == ["fx.single"]

    asyncio.run(flow())
