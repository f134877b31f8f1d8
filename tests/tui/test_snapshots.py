"""What each screen looks like, at 80x24 and at a larger size (pytest-textual-snapshot).

Snapshots are SVG files under `__snapshots__/`; after a deliberate change, look at the report
(`pytest tests/tui/test_snapshots.py --snapshot-update` rewrites them) before committing.
"""

from __future__ import annotations

import fcntl
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from quizapp.tui.app import QuizApp, make_app
from tests.tui.conftest import FIXTURE_BANK

SIZES = [(80, 24), (120, 40)]
# A fixed data folder: the help screen shows its path, which must not change between runs.
DATA = Path("/tmp/quizapp-snapshot-data")

SnapCompare = Callable[..., bool]


async def settled(pilot: Pilot[None]) -> None:
    """Let background workers (home's counts, the stats report) finish before the picture."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def snap_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[QuizApp]:
    # The folder is fixed, so two test runs on one machine (a developer's and CI's) must not
    # use it at once: hold a lock for the whole test.
    with Path(f"{DATA}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        shutil.rmtree(DATA, ignore_errors=True)
        # Elapsed times are on screen (summary, mock clock): freeze the clock screens read.
        for screen in ("quiz", "drill"):
            monkeypatch.setattr(f"quizapp.tui.screens.{screen}.now", lambda: 1000.0)
        # A seeded order of choices, so the keys below press the same options every run.
        yield make_app(DATA, [FIXTURE_BANK], shipped=False, rng=random.Random(3))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]) -> None:
    assert snap_compare(snap_app, terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_quiz_question(snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]) -> None:
    assert snap_compare(snap_app, press=["enter", "_", "h"], terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_quiz_feedback(snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]) -> None:
    assert snap_compare(
        snap_app, press=["enter", "_", "2", "_"], terminal_size=size, run_before=settled
    )


def test_quiz_feedback_in_chinese(snap_compare: SnapCompare, snap_app: QuizApp) -> None:
    assert snap_compare(
        snap_app, press=["l", "enter", "_", "1", "_"], terminal_size=(80, 24), run_before=settled
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]) -> None:
    assert snap_compare(snap_app, press=["f1", "_"], terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_summary(snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]) -> None:
    # Answer the first, skip the two choice questions, then leave each text input and skip.
    keys: list[Any] = ["enter", "_", "1", "_", "n", "_", "s", "_", "s", "_"]
    keys += ["escape", "s", "_"] * 4
    assert snap_compare(snap_app, press=keys, terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_settings(snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]) -> None:
    assert snap_compare(snap_app, press=["o", "_"], terminal_size=size, run_before=settled)


async def light(pilot: Pilot[None]) -> None:
    pilot.app.theme = "textual-light"
    await settled(pilot)


def test_home_light_theme(snap_compare: SnapCompare, snap_app: QuizApp) -> None:
    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=light)


def test_quiz_feedback_light_theme(snap_compare: SnapCompare, snap_app: QuizApp) -> None:
    keys = ["enter", "_", "2", "_"]
    assert snap_compare(snap_app, press=keys, terminal_size=(80, 24), run_before=light)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stats_after_a_session(
    snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]
) -> None:
    keys = ["enter", "_", "1", "_", "n", "1", "enter", "_", "n", "2", "_", "escape", "_", "s", "_"]
    assert snap_compare(snap_app, press=keys, terminal_size=size, run_before=settled)


def test_home_after_a_session(snap_compare: SnapCompare, snap_app: QuizApp) -> None:
    keys = ["enter", "_", "1", "_", "n", "2", "_", "escape", "_"]
    assert snap_compare(snap_app, press=keys, terminal_size=(100, 24), run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_drill_list(snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]) -> None:
    assert snap_compare(snap_app, press=["d", "_"], terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_drill_editor(snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]) -> None:
    keys = ["d", "_", "enter", "_", "ctrl+t", "_"]
    assert snap_compare(snap_app, press=keys, terminal_size=size, run_before=settled)


async def failed_drill_run(pilot: Pilot[None]) -> None:
    """Open the first drill, grade its starter file for real, and freeze the run's duration."""
    from dataclasses import replace

    from quizapp.tui.screens.drill import DrillScreen

    await settled(pilot)
    for key in ("d", "enter"):
        await pilot.press(key)
        await settled(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DrillScreen)
    # Grading takes a varying time, so a blinking cursor would be caught at any phase.
    screen.query_one("#editor", TextArea).cursor_blink = False
    await pilot.press("ctrl+r")
    await settled(pilot)
    assert screen.last_report is not None
    screen._show_report(replace(screen.last_report, duration_s=0.42))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_drill_results(snap_compare: SnapCompare, snap_app: QuizApp, size: tuple[int, int]) -> None:
    assert snap_compare(snap_app, terminal_size=size, run_before=failed_drill_run)
