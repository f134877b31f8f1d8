"""Fixtures for TUI tests: an app over a temporary data folder and the fixture bank only."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.tui.app import QuizApp, make_app

FIXTURE_BANK = Path(__file__).resolve().parents[1] / "fixtures" / "bank"


@pytest.fixture
def app(tmp_path: Path) -> QuizApp:
    return make_app(tmp_path / "data", [FIXTURE_BANK], shipped=False)
