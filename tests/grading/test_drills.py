"""Every reference solution passes, every starter fails, every wrong implementation fails with
exactly the diagnosis of the mistake it makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.bank.drill import load_drills
from quizapp.grading.client import GradingClient
from quizapp.grading.registry import SUITES

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
WRONG = Path(__file__).with_name("wrong")
DRILLS = load_drills()
WRONG_CASES = sorted(WRONG.glob("*/*.py"))

pytestmark = pytest.mark.slow


def test_shipped_drills_are_valid_and_have_suites() -> None:
    assert [str(p) for p in DRILLS.problems] == []
    assert sorted(DRILLS.drills) == sorted(SUITES)


@pytest.mark.parametrize("drill_id", sorted(SUITES))
def test_reference_solution_passes(grader: GradingClient, drill_id: str) -> None:
    path = SOLUTIONS / f"{drill_id}.py"
    report = grader.grade(drill_id, path.read_text(), str(path))
    failed = [(c.name, c.message) for c in report.checks if not c.passed]
    assert failed == []
    assert report.passed
    assert report.diagnosis == ()


@pytest.mark.parametrize("drill_id", sorted(SUITES))
def test_starter_fails(grader: GradingClient, drill_id: str) -> None:
    drill = DRILLS.drills[drill_id]
    report = grader.grade(drill_id, drill.starter, "starter.py")
    assert not report.passed
    if "NotImplementedError" in drill.starter:  # an empty layer makes no catalogued mistake
        assert report.diagnosis == ()


@pytest.mark.parametrize("path", WRONG_CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_wrong_implementation_gets_its_diagnosis(grader: GradingClient, path: Path) -> None:
    report = grader.grade(path.parent.name, path.read_text(), str(path))
    assert not report.passed
    assert [d.id for d in report.diagnosis] == [path.stem]


def test_every_catalogued_mistake_has_a_wrong_implementation() -> None:
    from quizapp.grading.registry import load_suite

    have = {(p.parent.name, p.stem) for p in WRONG_CASES}
    covered_ids = {stem for _, stem in have}
    for drill_id in SUITES:
        for mistake in load_suite(drill_id).mistakes:
            assert mistake.id in covered_ids, f"{drill_id}: no wrong implementation of {mistake.id}"
