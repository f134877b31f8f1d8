"""Recording answers and drill runs, cram, undo (exact restore), settings, ids leaving the bank."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating, State
from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import FakeClock, dump, open_question, single, true_false

from quizapp.store.errors import NothingToUndoError
from quizapp.store.opening import DB_NAME
from quizapp.store.progress import ProgressStore


def test_answer_is_recorded_with_everything(store: ProgressStore, clock: FakeClock) -> None:
    q = single("bn.q1", tags=("batchnorm", "train-eval"))
    rec = store.record_answer(
        q,
        deck="bn",
        answer=frozenset({1, 0}),
        correct=True,
        score=1.0,
        seconds=12.5,
        language="zh",
        mode="review",
        hint_used=False,
    )
    a = rec.attempt
    assert (a.item_id, a.kind, a.deck, a.tags) == (
        "bn.q1",
        "question",
        "bn",
        ("batchnorm", "train-eval"),
    )
    assert a.answer == [0, 1]
    assert (a.correct, a.score, a.seconds, a.language, a.mode) == (True, 1.0, 12.5, "zh", "review")
    assert a.answered_at == clock.now
    assert a.state_before is None
    assert rec.rating == Rating.Good and rec.scheduled
    assert rec.card is not None and rec.card.reps == 1
    assert store.card("bn.q1") == rec.card
    assert store.attempts() == [a]


def test_open_question_takes_the_users_rating(store: ProgressStore) -> None:
    q = open_question("open.q")
    assert (
        store.record_answer(q, deck="d", answer="easy", correct=True, seconds=300).rating
        == Rating.Easy
    )
    rec = store.record_answer(
        q, deck="d", answer="my text", correct=False, seconds=5, user_rating="again"
    )
    assert rec.rating == Rating.Again
    with pytest.raises(ValueError, match="rating"):
        store.record_answer(q, deck="d", answer="my text", correct=True, seconds=5)


def test_cram_records_but_leaves_the_card(store: ProgressStore, clock: FakeClock) -> None:
    q = true_false("q")
    store.record_answer(q, deck="d", answer=True, correct=True, seconds=5)
    card = store.card("q")
    clock.advance(hours=1)
    rec = store.record_answer(q, deck="d", answer=False, correct=False, seconds=5, mode="cram")
    assert not rec.scheduled and rec.rating == Rating.Again
    assert store.card("q") == card
    assert [a.mode for a in store.attempts("q")] == ["learn", "cram"]


def test_cram_on_a_new_item_creates_no_card(store: ProgressStore) -> None:
    store.record_answer(
        true_false("q"), deck="d", answer=True, correct=True, seconds=5, mode="cram"
    )
    assert store.card("q") is None
    assert store.progress()["q"].is_new


def test_undo_restores_the_store_exactly(tmp_path: Path, clock: FakeClock) -> None:
    store = ProgressStore.open(tmp_path, clock=clock)
    q = true_false("q")
    store.record_answer(q, deck="d", answer=True, correct=True, seconds=5)
    clock.advance(minutes=20)
    before = dump(tmp_path / DB_NAME)
    clock.advance(minutes=20)
    store.record_answer(q, deck="d", answer=False, correct=False, seconds=5)
    assert dump(tmp_path / DB_NAME) != before
    undone = store.undo_last()
    assert undone.item_id == "q" and not undone.correct
    assert dump(tmp_path / DB_NAME) == before
    store.close()


def test_undo_of_the_first_answer_removes_the_card(store: ProgressStore) -> None:
    store.record_answer(true_false("q"), deck="d", answer=True, correct=True, seconds=5)
    store.undo_last()
    assert store.card("q") is None and store.attempts() == []
    with pytest.raises(NothingToUndoError):
        store.undo_last()


def test_undo_of_a_drill_review_removes_its_run(tmp_path: Path, clock: FakeClock) -> None:
    store = ProgressStore.open(tmp_path, clock=clock)
    store.record_drill_run("bn1d", code_hash="a", passed=False, duration=0.2)
    before = dump(tmp_path / DB_NAME)
    rec = store.record_drill_run(
        "bn1d",
        code_hash="b",
        passed=True,
        duration=0.3,
        review=True,
        seconds=600,
        failed_checks=(),
        diagnosis_ids=(),
    )
    assert rec.answer is not None and rec.run.attempt_id == rec.answer.attempt.id
    assert rec.answer.attempt.kind == "drill" and rec.answer.rating == Rating.Good
    store.undo_last()
    assert dump(tmp_path / DB_NAME) == before
    store.close()


def test_drill_runs_keep_checks_and_diagnoses(store: ProgressStore) -> None:
    rec = store.record_drill_run(
        "bn1d",
        code_hash="h",
        passed=False,
        duration=1.5,
        failed_checks=("train-forward", "running-var"),
        diagnosis_ids=("unbiased-variance",),
    )
    assert rec.answer is None
    [run] = store.drill_runs("bn1d")
    assert run == rec.run
    assert run.failed_checks == ("train-forward", "running-var")
    assert run.diagnosis_ids == ("unbiased-variance",)
    assert store.attempts() == []  # a plain run is not a review


def test_lapses_count_forgetting_after_learning(store: ProgressStore, clock: FakeClock) -> None:
    q = true_false("q")
    for _ in range(3):  # learning steps, then Review
        store.record_answer(q, deck="d", answer=True, correct=True, seconds=5)
        clock.advance(days=1)
    card = store.card("q")
    assert card is not None and card.state == State.Review and card.lapses == 0
    clock.advance(days=30)
    store.record_answer(q, deck="d", answer=False, correct=False, seconds=5)
    card = store.card("q")
    assert card is not None and card.lapses == 1 and card.state == State.Relearning


def test_history_survives_the_item_leaving_the_bank(tmp_path: Path, clock: FakeClock) -> None:
    with ProgressStore.open(tmp_path, clock=clock) as store:
        store.record_answer(true_false("gone"), deck="d", answer=True, correct=True, seconds=5)
    with ProgressStore.open(tmp_path, clock=clock) as store:
        # The bank no longer has "gone": nothing is pruned, and it picks up where it was.
        assert store.card("gone") is not None
        rec = store.record_answer(
            true_false("gone"), deck="d2", answer=True, correct=True, seconds=5
        )
        assert rec.attempt.state_before is not None
        assert len(store.attempts("gone")) == 2


def test_settings_round_trip(store: ProgressStore) -> None:
    assert store.get_setting("interview_date") is None
    store.set_setting("interview_date", "2025-04-01")
    store.set_setting("caps", {"new": 10, "reviews": 100})
    store.set_setting("caps", {"new": 12, "reviews": 100})
    assert store.get_setting("caps") == {"new": 12, "reviews": 100}
    assert store.settings() == {"caps": {"new": 12, "reviews": 100}, "interview_date": "2025-04-01"}


def test_due_cards_lowest_retrievability_first(store: ProgressStore, clock: FakeClock) -> None:
    start = clock.now
    for qid in ("a", "b", "c"):
        store.record_answer(true_false(qid), deck="d", answer=True, correct=True, seconds=5)
        clock.advance(minutes=1)
    # "b" lapses and is due sooner; "a" and "c" graduate.
    for qid in ("a", "c"):
        store.record_answer(true_false(qid), deck="d", answer=True, correct=True, seconds=5)
    store.record_answer(true_false("b"), deck="d", answer=False, correct=False, seconds=5)
    assert [d.item_id for d in store.due_cards(start + timedelta(minutes=30))] == ["b"]
    later = store.due_cards(start + timedelta(days=60))
    assert {d.item_id for d in later} == {"a", "b", "c"}
    assert [d.retrievability for d in later] == sorted(d.retrievability for d in later)


ANSWERS = st.lists(
    st.tuples(
        st.sampled_from(["q1", "q2", "q3"]),
        st.booleans(),
        st.floats(min_value=1, max_value=200),
        st.booleans(),
        st.sampled_from(["learn", "review", "cram", "mock"]),
        st.integers(min_value=1, max_value=60 * 24 * 20),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None)
@given(ANSWERS)
def test_undoing_every_answer_walks_back_through_every_state(answers: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        clock = FakeClock()
        store = ProgressStore.open(data, clock=clock)
        snapshots = [dump(data / DB_NAME)]
        for qid, correct, seconds, hint, mode, minutes in answers:
            clock.advance(minutes=minutes)
            store.record_answer(
                true_false(qid),
                deck="d",
                answer=correct,
                correct=correct,
                seconds=seconds,
                hint_used=hint,
                mode=mode,
            )
            snapshots.append(dump(data / DB_NAME))
        for expected in reversed(snapshots[:-1]):
            store.undo_last()
            assert dump(data / DB_NAME) == expected
        store.close()


@settings(max_examples=20, deadline=None)
@given(ANSWERS)
def test_progress_in_sql_matches_progress_from_history(answers: list[tuple]) -> None:
    from quizapp.store.progress import progress_from_history
    from quizapp.store.report import mastered_items

    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock()
        with ProgressStore.open(Path(folder), clock=clock) as store:
            for qid, correct, seconds, hint, mode, minutes in answers:
                clock.advance(minutes=minutes)
                store.record_answer(
                    true_false(qid),
                    deck="d",
                    answer=correct,
                    correct=correct,
                    seconds=seconds,
                    hint_used=hint,
                    mode=mode,
                )
            later = clock.advance(days=3)
            from_sql = store.progress(later)
            assert from_sql == progress_from_history(store.history(), store.scheduler, later)
            assert store.mastered() == mastered_items(store.history())
            assert all(len(p.recent) <= 5 for p in from_sql.values())


def test_an_item_recalled_after_spacing_is_mastered_and_a_lapse_undoes_it(tmp_path: Path) -> None:
    from quizapp.store.report import mastered_items

    clock = FakeClock()
    with ProgressStore.open(tmp_path, clock=clock) as store:

        def answer(correct: bool) -> None:
            store.record_answer(
                true_false("q1"),
                deck="d",
                answer=correct,
                correct=correct,
                seconds=5,
                mode="review",
            )

        answer(True)
        while (card := store.card("q1")) is None or card.state != State.Review:
            clock.advance(days=1)
            answer(True)
        assert store.mastered() == set()  # in Review, but not yet recalled from it
        clock.advance(days=30)
        answer(True)
        assert store.mastered() == {"q1"} == mastered_items(store.history())
        clock.advance(days=30)
        answer(False)  # a lapse: back to Relearning
        assert store.mastered() == set() == mastered_items(store.history())
