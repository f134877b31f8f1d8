"""Every quiz id a drill links to ("related") names a question of the shipped bank.

Links come from two places: a drill YAML's `related:` list, and the `related` ids of every
catalogued mistake of the drill's check suite (shown with the diagnosis). A typo or a guessed id
would send the user to a question that does not exist.
"""

from __future__ import annotations

import pytest

from quizapp.bank.drill import load_drills
from quizapp.bank.loader import load_bank
from quizapp.grading.registry import SUITES, load_suite

BANK_IDS = frozenset(load_bank().deck_of)
DRILLS = load_drills()


def test_bank_and_drills_load() -> None:
    assert BANK_IDS, "the shipped bank has no questions"
    assert DRILLS.drills, "no shipped drills"
    assert [str(p) for p in DRILLS.problems] == []


@pytest.mark.parametrize("drill_id", sorted(DRILLS.drills))
def test_drill_yaml_related_ids_exist(drill_id: str) -> None:
    related = DRILLS.drills[drill_id].related
    missing = [qid for qid in related if qid not in BANK_IDS]
    assert missing == [], f"{drill_id}.yaml links to questions not in the bank: {missing}"


@pytest.mark.parametrize("drill_id", sorted(set(SUITES) | set(DRILLS.drills)))
def test_mistake_related_ids_exist(drill_id: str) -> None:
    if drill_id not in SUITES:
        pytest.skip(f"drill {drill_id} has no check suite yet")
    suite = load_suite(drill_id)
    missing = [
        f"{mistake.id} -> {qid}"
        for mistake in suite.mistakes
        for qid in mistake.related
        if qid not in BANK_IDS
    ]
    assert missing == [], f"{drill_id}: mistakes link to questions not in the bank: {missing}"
