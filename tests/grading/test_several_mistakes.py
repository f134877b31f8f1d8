"""Code with several catalogued mistakes gets every one of them named, not just the largest."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.grading.client import GradingClient
from tests.grading.corpus_scoring import expected_of

SEVERAL = sorted(Path(__file__).with_name("several").glob("*/*.py"))
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", SEVERAL, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_planted_mistake_is_named(grader: GradingClient, path: Path) -> None:
    report = grader.grade(path.parent.name, path.read_text(encoding="utf-8"), str(path))
    assert not report.passed
    assert sorted(d.id for d in report.diagnosis) == sorted(expected_of(path))
