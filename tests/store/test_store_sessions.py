"""Session building: pure functions over a catalog and per-item progress."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from store_helpers import T0

from quizapp.quiz.sessions import (
    ItemInfo,
    ItemProgress,
    by_deck,
    by_difficulty,
    by_tag,
    cram,
    drill_item,
    due_reviews,
    mock_interview,
    new_only,
    resume_deck,
    todays_part,
    topic_scores,
    weakest_topics,
)


def q(item_id: str, deck: str, tags: tuple[str, ...], difficulty: int = 2) -> ItemInfo:
    return ItemInfo(item_id, "question", deck, tags, difficulty, "single_choice", 40)


CATALOG = [
    q("bn.1", "bn", ("batchnorm",), 1),
    q("bn.2", "bn", ("batchnorm", "train-eval"), 2),
    q("bn.3", "bn", ("batchnorm",), 3),
    q("do.1", "do", ("dropout",), 1),
    q("do.2", "do", ("dropout", "train-eval"), 3),
    q("ln.1", "ln", ("layernorm",), 2),
    drill_item("batchnorm1d", tags=("batchnorm",)),
    drill_item("dropout", tags=("dropout",)),
]


def p(
    item_id: str,
    recent: tuple[bool, ...] = (),
    *,
    due_in: float | None = None,
    r: float | None = None,
) -> ItemProgress:
    return ItemProgress(
        item_id,
        attempts=len(recent),
        correct=sum(recent),
        recent=recent,
        due=None if due_in is None else T0 + timedelta(days=due_in),
        retrievability=r,
    )


def test_by_deck_keeps_deck_order_and_limit() -> None:
    s = by_deck(CATALOG, "bn")
    assert s.item_ids == ("bn.1", "bn.2", "bn.3") and s.mode == "learn" and s.kind == "deck"
    assert by_deck(CATALOG, "bn", limit=2).item_ids == ("bn.1", "bn.2")
    shuffled = by_deck(CATALOG, "bn", seed=3)
    assert sorted(shuffled.item_ids) == ["bn.1", "bn.2", "bn.3"]
    assert shuffled.item_ids == by_deck(CATALOG, "bn", seed=3).item_ids


def test_a_deck_resumes_with_its_due_cards_then_what_is_unseen() -> None:
    progress = {
        "bn.1": p("bn.1", (True,), due_in=3),  # studied, not due: left out
        "bn.2": p("bn.2", (False,), due_in=-1, r=0.4),  # due
        "bn.3": p("bn.3", (True,), due_in=-2, r=0.2),  # due, weaker recall: first
    }
    assert resume_deck(CATALOG, progress, "bn", T0).item_ids == ("bn.3", "bn.2")
    assert resume_deck(CATALOG, {}, "bn", T0).item_ids == ("bn.1", "bn.2", "bn.3")
    done = {i: p(i, (True,), due_in=3) for i in ("bn.1", "bn.2", "bn.3")}
    assert resume_deck(CATALOG, done, "bn", T0).item_ids == ()  # finished for now


def test_todays_part_keeps_the_plans_order_and_drops_unknown_ids() -> None:
    session = todays_part(CATALOG, ["do.2", "gone", "bn.1", "batchnorm1d", "do.2"])
    assert session.item_ids == ("do.2", "bn.1", "batchnorm1d") and session.kind == "today"


def test_meta_tags_are_never_topics() -> None:
    catalog = [q("a", "d", ("myth", "batchnorm")), q("b", "d", ("pytorch", "dropout"))]
    progress = {"a": p("a", (False,)), "b": p("b", (False, False))}
    assert {s.tag for s in topic_scores(catalog, progress)} == {"batchnorm", "dropout"}


def test_by_tag_crosses_decks() -> None:
    assert by_tag(CATALOG, "train-eval").item_ids == ("bn.2", "do.2")


def test_by_difficulty() -> None:
    assert by_difficulty(CATALOG, 1).item_ids == ("bn.1", "do.1")
    assert by_difficulty(CATALOG, {3}, deck="do").item_ids == ("do.2",)


def test_cram_ignores_due_dates_and_records_as_cram() -> None:
    s = cram(CATALOG, tag="dropout")
    assert s.mode == "cram" and s.item_ids == ("do.1", "do.2", "dropout")


def test_due_reviews_lowest_retrievability_then_most_overdue() -> None:
    progress = {
        "bn.1": p("bn.1", (True,), due_in=-1, r=0.8),
        "bn.2": p("bn.2", (True,), due_in=-5, r=0.6),
        "bn.3": p("bn.3", (True,), due_in=-2, r=0.6),
        "do.1": p("do.1", (True,), due_in=+3, r=0.95),  # not due
        "gone": p("gone", (True,), due_in=-9, r=0.1),  # left the bank: cannot be asked
    }
    s = due_reviews(CATALOG, progress, T0)
    assert s.item_ids == ("bn.2", "bn.3", "bn.1") and s.mode == "review"
    assert due_reviews(CATALOG, progress, T0, limit=1).item_ids == ("bn.2",)


def test_new_only_skips_scheduled_items() -> None:
    progress = {"bn.1": p("bn.1", (True,), due_in=1, r=0.9), "bn.2": p("bn.2", (False,))}
    # bn.2 was only crammed: it has attempts but no card, so it is still new.
    assert new_only(CATALOG, progress, deck="bn").item_ids == ("bn.2", "bn.3")


def test_weakest_topics_first() -> None:
    progress = {
        "bn.1": p("bn.1", (True, True, True)),
        "do.1": p("do.1", (False, False)),
        "do.2": p("do.2", (True, False)),
        "ln.1": p("ln.1", (True,)),
    }
    scores = topic_scores(CATALOG, progress)
    assert [s.tag for s in scores][:2] == ["dropout", "train-eval"]
    assert scores[0].review_ids[:2] == ("do.1", "do.2")
    s = weakest_topics(CATALOG, progress, topics=2, per_topic=2)
    assert s.item_ids == ("do.1", "do.2", "bn.2")


def test_mock_interview_mixes_questions_and_one_drill() -> None:
    progress = {"batchnorm1d": p("batchnorm1d", (True,))}
    s = mock_interview(CATALOG, progress, questions=4, minutes=30, seed=1)
    assert s.mode == "mock" and s.time_limit_seconds == 1800
    kinds = [i.kind for i in s.items]
    assert kinds == ["question"] * 4 + ["drill"]
    assert s.items[-1].item_id == "dropout"  # the drill not yet solved
    assert len(set(s.item_ids)) == len(s.item_ids)
    assert s.item_ids == mock_interview(CATALOG, progress, questions=4, minutes=30, seed=1).item_ids


def test_mock_interview_without_drills_has_questions_only() -> None:
    s = mock_interview([i for i in CATALOG if i.kind == "question"], {}, questions=10)
    assert len(s) == 6 and all(i.kind == "question" for i in s.items)


@given(
    verdicts=st.dictionaries(
        st.sampled_from([i.item_id for i in CATALOG]), st.lists(st.booleans(), max_size=5)
    ),
    questions=st.integers(min_value=0, max_value=10),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_sessions_never_repeat_and_stay_in_the_catalog(
    verdicts: dict[str, list[bool]], questions: int, seed: int
) -> None:
    progress = {k: p(k, tuple(v)) for k, v in verdicts.items()}
    ids = {i.item_id for i in CATALOG}
    for s in (
        weakest_topics(CATALOG, progress),
        mock_interview(CATALOG, progress, questions=questions, seed=seed),
        new_only(CATALOG, progress),
        due_reviews(CATALOG, progress, T0),
    ):
        assert len(set(s.item_ids)) == len(s.item_ids)
        assert set(s.item_ids) <= ids
    mock = mock_interview(CATALOG, progress, questions=questions, seed=seed)
    assert sum(i.kind == "drill" for i in mock.items) == 1
    assert sum(i.kind == "question" for i in mock.items) == min(questions, 6)


def test_catalog_from_bank_puts_drills_under_their_questions_topics() -> None:
    from types import SimpleNamespace

    from store_helpers import single, true_false

    from quizapp.bank.loader import Bank
    from quizapp.bank.model import LoadedDeck
    from quizapp.quiz.sessions import catalog_from_bank

    questions = (true_false("bn.a", tags=("batchnorm", "train-eval")), single("bn.b", expected=90))
    deck = LoadedDeck(
        deck_id="bn", path="bn.yaml", title="BN", description=None, questions=questions
    )
    bank = Bank(decks=[deck])
    drill = SimpleNamespace(id="batchnorm1d", related=("bn.a", "missing.q"), difficulty=3)
    items = catalog_from_bank(bank, [drill])  # type: ignore[list-item]
    assert [(i.item_id, i.kind, i.deck) for i in items] == [
        ("bn.a", "question", "bn"),
        ("bn.b", "question", "bn"),
        ("batchnorm1d", "drill", "drills"),
    ]
    assert items[0].expected_seconds == 20  # the default for a true/false of difficulty 2
    assert items[2].tags == ("batchnorm", "train-eval")
