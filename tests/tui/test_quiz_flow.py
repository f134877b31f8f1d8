"""Pilot tests: answering every question type from the keyboard, right and wrong."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Markdown, OptionList, Static

from quizapp.tui.app import QuizApp, make_app
from quizapp.tui.screens.quiz import QuizScreen
from quizapp.tui.screens.summary import SummaryScreen
from tests.tui.conftest import FIXTURE_BANK, key_for, options_text


async def _press(pilot: Pilot[None], *keys: str) -> None:
    """Press keys one by one, letting each key's async work (mounting, Markdown) settle."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def _feedback(app: QuizApp) -> str:
    return str(app.screen.query_one("#feedback", Markdown).source)


def test_every_type_answered_from_the_keyboard(app: QuizApp) -> None:
    asyncio.run(_every_type_answered_from_the_keyboard(app))


async def _every_type_answered_from_the_keyboard(app: QuizApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await _press(pilot, "enter")  # start the only deck
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        await _press(pilot, "h")  # a hint before answering
        await _press(pilot, key_for(app, 0))  # single choice: right
        assert "Correct" in _feedback(app) and "Yes, divide by N." in options_text(app)
        await _press(pilot, "n")
        await _press(pilot, key_for(app, 0), "enter")  # multiple choice: only Dropout of the two
        assert "Partly right" in _feedback(app)
        await _press(pilot, "n", "2")  # true/false: False is right
        assert "Correct" in _feedback(app)
        await _press(pilot, "n", *"0.8", "enter")  # numeric: wrong
        assert "Not quite" in _feedback(app) and "1.25" in _feedback(app)
        await _press(pilot, "n", *"rms-norm", "enter")  # short answer: right
        assert "Correct" in _feedback(app)
        await _press(pilot, "n", *"scale by 1/(1-p)", "enter", *"in training", "ctrl+r")
        assert "1/(1-p)" in _feedback(app)  # open: a two-line answer, then the model answer
        await _press(pilot, "3")  # rate Good
        assert "Correct" in _feedback(app)
        await _press(pilot, "n", *"True False", "enter")  # code output on one line
        assert "Correct" in _feedback(app)
        await _press(pilot, "n")
        assert isinstance(app.screen, SummaryScreen)
        records = screen.result.records
        assert [r.verdict.correct for r in records if r.verdict] == [
            True,
            False,
            True,
            False,
            True,
            True,
            True,
        ]
        assert records[0].hinted and not records[1].hinted


def test_every_type_answered_the_other_way(app: QuizApp) -> None:
    """Each type again, wrong where the test above is right and right where it is wrong."""

    async def flow() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await _press(pilot, "enter")
            screen = app.screen
            assert isinstance(screen, QuizScreen)
            await _press(pilot, key_for(app, 1))  # single choice: wrong, with that choice's why
            assert "Not quite" in _feedback(app)
            assert "That is what running_var tracks." in options_text(app)
            await _press(pilot, "n")
            await _press(pilot, key_for(app, 0), key_for(app, 1), "enter")  # multi: both right ones
            assert "Correct" in _feedback(app)
            await _press(pilot, "n", "1")  # true/false: True is wrong
            assert "Not quite" in _feedback(app) and "no_grad" in _feedback(app)
            await _press(pilot, "n", *"1.25", "enter")  # numeric: right
            assert "Correct" in _feedback(app)
            await _press(pilot, "n", *"layernorm", "enter")  # short answer: wrong
            assert "Not quite" in _feedback(app) and "RMSNorm" in _feedback(app)
            await _press(pilot, "n", "ctrl+r", "1")  # open: rate Again
            assert "Not quite" in _feedback(app)
            await _press(pilot, "n", *"False True", "enter")  # code output: wrong order
            assert "Not quite" in _feedback(app)
            await _press(pilot, "n")
            assert isinstance(app.screen, SummaryScreen)
            verdicts = [r.verdict.correct for r in screen.result.records if r.verdict]
            assert verdicts == [False, True, False, True, False, False, False]

    asyncio.run(flow())


def test_a_bad_number_is_refused_without_losing_the_question(app: QuizApp) -> None:
    asyncio.run(_a_bad_number_is_refused_without_losing_the_question(app))


async def _a_bad_number_is_refused_without_losing_the_question(app: QuizApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await _press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        await _press(pilot, "s", "s", "s")  # skip to the numeric question
        await _press(pilot, *"lots", "enter")
        assert not screen.answered and screen.index == 3
        await _press(pilot, "backspace", "backspace", "backspace", "backspace", *"1.25", "enter")
        assert screen.answered and "Correct" in _feedback(app)


def test_language_switch_shows_chinese(app: QuizApp) -> None:
    asyncio.run(_language_switch_shows_chinese(app))


async def _language_switch_shows_chinese(app: QuizApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await _press(pilot, "l", "enter")
        assert app.language == "zh"
        await _press(pilot, key_for(app, 1))
        assert "回答错误" in _feedback(app) and "那是 running_var 记录的。" in options_text(app)
        assert "你的选择" in options_text(app)


def test_walking_the_tui_never_imports_torch(tmp_path: Path) -> None:
    code = """
import asyncio, sys
from pathlib import Path
from quizapp.tui.app import make_app

async def main():
    app = make_app(sys.argv[1], [Path(sys.argv[2])])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "1", "n", "s", "f1", "escape", "escape")
assert "torch" not in sys.modules
asyncio.run(main())
print("torch" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), str(FIXTURE_BANK)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_an_unexpected_error_is_shown_and_the_app_keeps_running(
    app: QuizApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    async def flow() -> None:
        app.reraise_errors = False
        async with app.run_test(size=(100, 30)) as pilot:
            monkeypatch.setattr(app.study, "answer", broken)
            await _press(pilot, "enter", "1")
            assert app.is_running and isinstance(app.screen, QuizScreen)
            assert any("boom" in str(n.message) for n in app._notifications)
            log = app.study.folder / "errors.log"
            assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
            await _press(pilot, "escape")
            assert app.is_running

    asyncio.run(flow())


def test_command_palette_lists_the_screen_actions(app: QuizApp) -> None:
    async def flow() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert {"Review the due cards", "Your weakest topics", "Timed mock interview"} <= titles
            assert {"Today's part of the plan", "Drills"} <= titles
            assert {"Stats", "Interview date and daily caps"} <= titles
            await _press(pilot, "ctrl+p", *"Stats", "enter")
            await app.workers.wait_for_complete()
            assert type(app.screen).__name__ == "StatsScreen"

    asyncio.run(flow())


def test_a_broken_user_deck_is_a_warning_on_home_not_a_crash(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    shutil.copy(FIXTURE_BANK / "types.yaml", bank / "types.yaml")
    broken = bank / "broken.yaml"
    broken.write_text("format_version: 1\ntitle: Broken\nquestions:\n  - id: b\n\ttype: open\n")

    async def flow() -> None:
        app = make_app(tmp_path / "data", [bank], shipped=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            warning = app.screen.query_one("#warnings", Static)
            assert warning.display
            assert f"1 problem(s) in {broken}: F1 shows them" in str(warning.render())
            decks = app.screen.query_one("#decks", OptionList)
            assert "Every type" in str(decks.get_option_at_index(0).prompt)  # the rest loads
            await _press(pilot, "f1")
            help_text = str(app.screen.query_one(Markdown).source)
            assert f"{broken}:5: " in help_text and "tab" in help_text

    asyncio.run(flow())


def test_the_palette_lists_each_action_once(app: QuizApp) -> None:
    async def flow() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            titles = [c.title.casefold() for c in app.get_system_commands(app.screen)]
            assert titles.count("quit") == 1
            assert len(titles) == len(set(titles))

    asyncio.run(flow())
