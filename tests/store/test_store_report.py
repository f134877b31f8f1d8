"""The self-assessment report on a hand-built history, every number checked by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fsrs import Card, State

from quizapp.quiz.sessions import ItemInfo, drill_item
from quizapp.store.records import Attempt, CardState, DrillRun, History
from quizapp.store.report import build_report, report_to_dict

TZ = timezone(timedelta(hours=8))  # days are local: UTC+8
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # 17:00 local on 10 March


def utc(day: int, hour: int) -> datetime:
    return datetime(2025, 3, day, hour, 0, tzinfo=UTC)


def attempt(
    n: int,
    item: str,
    correct: bool,
    when: datetime,
    mode: str = "learn",
    state_before: int | None = None,
    deck: str | None = None,
    tags: tuple[str, ...] = (),
) -> Attempt:
    return Attempt(
        id=n,
        uid=f"u{n}",
        item_id=item,
        kind="question",
        deck=deck,
        tags=tags,
        answer=None,
        correct=correct,
        score=float(correct),
        seconds=10.0,
        answered_at=when,
        language="en",
        mode=mode,  # type: ignore[arg-type]
        rating=3 if correct else 1,
        hint_used=False,
        state_before=state_before,
    )


def card(item: str, state: State, due: datetime, kind: str = "question") -> CardState:
    c = Card(
        card_id=1,
        state=state,
        step=None if state == State.Review else 0,
        stability=5.0,
        difficulty=5.0,
        due=due,
        last_review=due - timedelta(days=2),
    )
    return CardState(item, kind, c, reps=2, lapses=0, updated_at=due)  # type: ignore[arg-type]


def run(n: int, drill: str, passed: bool, when: datetime) -> DrillRun:
    return DrillRun(n, f"r{n}", drill, None, "h", passed, (), (), 1.0, when)


CATALOG = [
    ItemInfo("bn.1", "question", "bn", ("batchnorm",), 1, "true_false", 20),
    ItemInfo("bn.2", "question", "bn", ("batchnorm",), 2, "single_choice", 40),
    ItemInfo("do.1", "question", "do", ("dropout",), 2, "single_choice", 40),
    drill_item("batchnorm1d", tags=("batchnorm",)),
]

HISTORY = History(
    attempts=(
        attempt(1, "bn.1", True, utc(7, 10)),  # local 7 March
        attempt(2, "bn.1", True, utc(8, 20), state_before=1),  # local 9 March, 04:00
        attempt(3, "bn.1", True, utc(10, 8), mode="review", state_before=2),  # local 10 March
        attempt(4, "bn.2", False, utc(9, 1)),  # local 9 March
        attempt(5, "do.1", False, utc(10, 1), mode="cram"),  # local 10 March
        # An item that has left the bank: counted under the deck and tags it was answered in.
        attempt(6, "gone.1", True, utc(5, 1), deck="old", tags=("dropout",)),
    ),
    drill_runs=(
        run(1, "batchnorm1d", False, utc(8, 3)),
        run(2, "batchnorm1d", True, utc(9, 3)),
        run(3, "dropout", True, utc(10, 3)),
    ),
    cards=(
        card("bn.1", State.Review, utc(20, 0)),
        card("bn.2", State.Learning, utc(9, 1) + timedelta(minutes=10)),  # overdue
        card("gone.1", State.Review, utc(11, 0)),  # not in the catalog: not counted as due
        card("batchnorm1d", State.Review, utc(12, 12), kind="drill"),  # local 12 March 20:00
    ),
    settings={},
)


@pytest.fixture(scope="module")
def report() -> dict[str, object]:
    return report_to_dict(build_report(HISTORY, CATALOG, now=NOW, tz=TZ))


def test_totals_and_modes(report: dict) -> None:
    assert report["totals"] == {
        "attempts": 6,
        "correct": 4,
        "accuracy": 4 / 6,
        "items": 4,
        "items_seen": 3,
        "mastered": 1,
        "mastery": 0.25,
        "overridden": 0,
    }
    assert report["by_mode"] == {"cram": 1, "learn": 4, "review": 1}


def test_decks(report: dict) -> None:
    decks = {d["name"]: d for d in report["decks"]}
    assert list(decks) == ["bn", "do", "drills", "old"]
    assert decks["bn"] == {
        "name": "bn",
        "items": 2,
        "items_seen": 2,
        "attempts": 4,
        "correct": 3,
        "accuracy": 0.75,
        "mastered": 1,
        "mastery": 0.5,
        "due_now": 1,
        "due_today": 1,
        "new": 0,
    }
    assert decks["do"]["accuracy"] == 0.0 and decks["do"]["new"] == 1
    assert decks["drills"]["attempts"] == 0 and decks["drills"]["accuracy"] is None
    assert decks["drills"]["mastered"] == 0  # in Review, but never recalled after spacing
    assert decks["old"] == {
        "name": "old",
        "items": 0,
        "items_seen": 0,
        "attempts": 1,
        "correct": 1,
        "accuracy": 1.0,
        "mastered": 0,
        "mastery": None,
        "due_now": 0,
        "due_today": 0,
        "new": 0,
    }


def test_tags(report: dict) -> None:
    tags = {t["name"]: t for t in report["tags"]}
    assert tags["batchnorm"]["items"] == 3
    assert tags["batchnorm"]["mastery"] == pytest.approx(1 / 3)
    assert (tags["batchnorm"]["attempts"], tags["batchnorm"]["correct"]) == (4, 3)
    assert (tags["dropout"]["attempts"], tags["dropout"]["correct"]) == (2, 1)


def test_streak_uses_local_days(report: dict) -> None:
    # Local study days: 5, 7, 9, 10 March (in UTC they would be 5, 7, 8, 9, 10).
    assert report["streak"] == {
        "current": 2,
        "longest": 2,
        "studied_today": True,
        "last_study_day": "2025-03-10",
    }


def test_due(report: dict) -> None:
    assert report["due"] == {"overdue": 1, "today": 1, "this_week": 2, "new": 1}


def test_drills(report: dict) -> None:
    assert report["drills"] == {
        "attempted": 2,
        "passed": 2,
        "first_pass": 1,
        "first_pass_rate": 0.5,
        "runs": 3,
        "passed_ids": ["batchnorm1d", "dropout"],
    }


def test_weakest_topics(report: dict) -> None:
    assert report["weakest"] == [
        {
            "tag": "dropout",
            "attempts": 1,
            "accuracy": 0.0,
            "weakness": round(2 / 3, 6),
            "review_ids": ["do.1"],
        },
        {
            "tag": "batchnorm",
            "attempts": 4,
            "accuracy": 0.75,
            "weakness": round(1 / 3, 6),
            "review_ids": ["bn.2", "bn.1", "batchnorm1d"],
        },
    ]


def test_accuracy_per_local_day(report: dict) -> None:
    assert report["daily"] == [
        {"day": "2025-03-05", "attempts": 1, "correct": 1, "accuracy": 1.0},
        {"day": "2025-03-07", "attempts": 1, "correct": 1, "accuracy": 1.0},
        {"day": "2025-03-09", "attempts": 2, "correct": 1, "accuracy": 0.5},
        {"day": "2025-03-10", "attempts": 2, "correct": 1, "accuracy": 0.5},
    ]


def test_streak_alive_until_a_day_is_missed() -> None:
    tomorrow = build_report(HISTORY, CATALOG, now=NOW + timedelta(days=1), tz=TZ)
    assert (tomorrow.streak.current, tomorrow.streak.studied_today) == (2, False)
    later = build_report(HISTORY, CATALOG, now=NOW + timedelta(days=2), tz=TZ)
    assert later.streak.current == 0


def test_json_shape_is_stable(report: dict) -> None:
    assert list(report) == [
        "report_version",
        "generated_at",
        "timezone",
        "totals",
        "by_mode",
        "decks",
        "tags",
        "streak",
        "due",
        "drills",
        "weakest",
        "daily",
        "leeches",  # added by the study-plan issue, after every earlier key
    ]
    again = report_to_dict(build_report(HISTORY, CATALOG, now=NOW, tz=TZ))
    assert json.dumps(again, sort_keys=False) == json.dumps(report, sort_keys=False)


def test_empty_history() -> None:
    empty = build_report(History((), (), (), {}), CATALOG, now=NOW, tz=TZ)
    assert empty.totals.accuracy is None and empty.totals.mastery == 0.0
    assert empty.streak.current == 0 and empty.weakest == [] and empty.daily == []
    assert empty.due.new == 4 and empty.drills.first_pass_rate is None
    json.dumps(report_to_dict(empty))
