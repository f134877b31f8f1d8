"""Pilot tests for drills: a run that fails then passes, hints, and the guarded solution."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Markdown, OptionList, Static, TextArea

from quizapp.store.progress import ProgressStore
from quizapp.tui.app import QuizApp, make_app
from quizapp.tui.screens.drill import DrillScreen
from quizapp.tui.screens.drills import DrillsScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.widgets.confirm import Confirm

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


async def _press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


async def _settle(app: QuizApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def _results(app: QuizApp) -> str:
    """The results pane as plain text."""
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#results", Static).content)
    return console.export_text()


def test_a_drill_run_fails_then_passes_and_both_are_recorded(tmp_path: Path) -> None:
    async def flow() -> None:
        app = make_app(tmp_path, shipped=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await _press(pilot, "d")
            assert isinstance(app.screen, DrillsScreen)
            await _settle(app, pilot)
            await _press(pilot, "enter")  # the first drill: batchnorm1d
            screen = app.screen
            assert isinstance(screen, DrillScreen) and screen.drill_id == "batchnorm1d"
            workspace_file = tmp_path / "workspace" / "batchnorm1d.py"
            assert workspace_file.exists()  # created from the starter
            await _press(pilot, "ctrl+r")
            await _settle(app, pilot)
            report = screen.last_report
            assert report is not None and not report.passed
            # Each check's row streamed in as the grader judged it, then the verdict replaced
            # the live table: headline, failing checks, the next hint, and the table of all.
            assert [r.name for r in screen.streamed] == [
                c.name for c in report.checks if c.name in {r.name for r in screen.streamed}
            ]
            assert len(screen.streamed) >= 20
            results = _results(app)
            assert results.startswith("FAILED  BatchNorm1d from scratch")
            assert "Stuck? Ctrl+T shows hint 1 of" in results
            first_fail = report.failed_checks[0].name
            assert f"✗  {first_fail}" in results  # its row in the table of every check
            # F2 reaches the results from the keyboard (Tab indents in the editor) and back.
            await _press(pilot, "f2")
            assert screen.query_one("#results-pane").has_focus
            await _press(pilot, "f2")
            assert screen.query_one("#editor", TextArea).has_focus
            editor = screen.query_one("#editor", TextArea)
            editor.load_text((SOLUTIONS / "batchnorm1d.py").read_text(encoding="utf-8"))
            await _press(pilot, "ctrl+r")
            await _settle(app, pilot)
            assert screen.last_report is not None and screen.last_report.passed
            assert "PASSED" in _results(app) and "reference solution (F3)" in _results(app)
            assert workspace_file.read_text(encoding="utf-8") == editor.text  # saved on run
            await _press(pilot, "escape")  # straight back, even from the editor (saved first)
            await _settle(app, pilot)
            drills = app.screen
            assert isinstance(drills, DrillsScreen) and "batchnorm1d" in drills.passed
        with ProgressStore.open(tmp_path) as store:
            assert [r.passed for r in store.drill_runs("batchnorm1d")] == [False, True]
            assert store.card("batchnorm1d") is not None  # the first pass is the drill's review

    asyncio.run(flow())


def test_hints_then_the_solution_only_after_confirming(tmp_path: Path) -> None:
    async def flow() -> None:
        app = make_app(tmp_path, shipped=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await _press(pilot, "d")
            await _settle(app, pilot)
            await _press(pilot, "enter")
            screen = app.screen
            assert isinstance(screen, DrillScreen)
            hints = screen.query_one("#drill-hints", Markdown)
            await _press(pilot, "ctrl+t")
            assert "Hint 1." in str(hints.source) and "Hint 2." not in str(hints.source)
            await _press(pilot, "f3")
            assert isinstance(app.screen, Confirm)
            await _press(pilot, "n")
            assert "Reference solution" not in str(hints.source)
            await _press(pilot, "f3", "y")
            assert "Reference solution" in str(hints.source)
            assert "class BatchNorm1d" in str(hints.source)

    asyncio.run(flow())


def test_user_work_survives_leaving_and_coming_back(tmp_path: Path) -> None:
    async def flow() -> None:
        app = make_app(tmp_path, shipped=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await _press(pilot, "d")
            await _settle(app, pilot)
            await _press(pilot, "enter")
            screen = app.screen
            assert isinstance(screen, DrillScreen)
            screen.query_one("#editor", TextArea).insert("# my work in progress\n", (0, 0))
            await _press(pilot, "escape")  # leaving saves
            assert isinstance(app.screen, DrillsScreen)
            await _press(pilot, "enter")
            reopened = app.screen
            assert isinstance(reopened, DrillScreen)
            text = reopened.query_one("#editor", TextArea).text
            assert text.startswith("# my work in progress\n")

    asyncio.run(flow())


def test_home_lists_the_drills_with_passed_marks_and_opens_one(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        store.record_drill_run("dropout", code_hash="x", passed=True, duration=0.1)
        store.record_drill_run("layernorm", code_hash="y", passed=False, duration=0.1)

    async def flow() -> None:
        app = make_app(tmp_path, shipped=True)
        async with app.run_test(size=(100, 40)) as pilot:
            await _settle(app, pilot)
            options = app.screen.query_one("#decks", OptionList)
            labels = [
                str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
            ]
            assert "Drills  1 of 9 passed" in labels
            assert "✔ Dropout from scratch" in labels  # passed
            assert "· LayerNorm from scratch" in labels  # tried, not passed
            # Down from the first deck to the drills (the header row is skipped) and Enter.
            target = labels.index("· LayerNorm from scratch")
            while options.highlighted != target:
                await _press(pilot, "down")
            await _press(pilot, "c")  # cram is for decks: said, and nothing opens
            assert any("Cram works on a deck" in str(n.message) for n in app._notifications)
            assert isinstance(app.screen, HomeScreen)
            await _press(pilot, "enter")
            screen = app.screen
            assert isinstance(screen, DrillScreen) and screen.drill_id == "layernorm"

    asyncio.run(flow())
