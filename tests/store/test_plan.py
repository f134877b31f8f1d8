"""The daily plan toward an interview date: unit tests and properties (hypothesis)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.quiz.plan import HORIZON_DAYS, PlanCaps, StudyPlan, build_plan
from quizapp.quiz.sessions import ItemInfo, ItemProgress, drill_item

TODAY = date(2025, 3, 10)
TAGS = ("dropout", "batchnorm", "layernorm", "rmsnorm")


def question(qid: str, tags: tuple[str, ...] = ("dropout",)) -> ItemInfo:
    return ItemInfo(qid, "question", "deck", tags, 2, "true_false", 20)


def seen(
    item_id: str, *, due_in: int, recent: tuple[bool, ...] = (True,), r: float = 0.8
) -> ItemProgress:
    due = datetime.combine(TODAY + timedelta(days=due_in), time(12), UTC)
    return ItemProgress(
        item_id=item_id,
        attempts=len(recent),
        correct=sum(recent),
        recent=recent,
        due=due,
        state=2,
        stability=3.0,
        retrievability=r,
    )


def looks(plan: StudyPlan) -> dict[str, list[date]]:
    out: dict[str, list[date]] = {}
    for day in plan.days:
        for item_id in day.items:
            out.setdefault(item_id, []).append(day.day)
    return out


def test_today_part_reads_like_home_shows_it() -> None:
    catalog = [question(f"q{i}") for i in range(30)] + [drill_item("dropout")]
    progress = {f"q{i}": seen(f"q{i}", due_in=-1) for i in range(12)}
    plan = build_plan(
        catalog,
        progress,
        today=TODAY,
        tz=UTC,
        interview_date=TODAY + timedelta(days=9),
        caps=PlanCaps(new=20, reviews=100),
    )
    assert plan.days_left == 9 and len(plan.days) == 9
    assert plan.headline().endswith(": 9 days left")
    today = plan.today_part
    assert today.review_questions == 12 and plan.backlog == 12
    assert plan.headline().startswith("12 reviews, ")
    assert plan.complete
    assert "dropout" in {i for d in plan.days for i in d.drills}


def test_every_new_item_before_the_date_and_last_day_reviews_only() -> None:
    catalog = [question(f"q{i}") for i in range(40)]
    plan = build_plan(catalog, {}, today=TODAY, tz=UTC, interview_date=TODAY + timedelta(days=5))
    assert plan.complete and plan.needed_new_per_day == 10
    assert [len(d.new) for d in plan.days] == [10, 10, 10, 10, 0]
    assert sorted(i for d in plan.days for i in d.new) == sorted(i.item_id for i in catalog)


def test_caps_too_low_say_so_instead_of_breaking_them() -> None:
    catalog = [question(f"q{i}") for i in range(40)]
    plan = build_plan(
        catalog,
        {},
        today=TODAY,
        tz=UTC,
        interview_date=TODAY + timedelta(days=3),
        caps=PlanCaps(new=5, reviews=100),
    )
    assert not plan.complete and len(plan.unscheduled) == 30
    assert plan.needed_new_per_day == 20
    assert all(len(d.new) <= 5 for d in plan.days)
    assert "raise the daily new cap to 20" in " ".join(plan.notes)


def test_backlog_after_a_break_is_capped_lowest_retrievability_first() -> None:
    catalog = [question(f"q{i}") for i in range(300)]
    progress = {f"q{i}": seen(f"q{i}", due_in=-20, r=(i % 100) / 100 + 0.001) for i in range(300)}
    plan = build_plan(catalog, progress, today=TODAY, tz=UTC, caps=PlanCaps(new=0, reviews=50))
    assert plan.interview_date is None and len(plan.days) == HORIZON_DAYS
    assert plan.backlog == 300
    assert all(len(d.reviews) <= 50 for d in plan.days)
    first = plan.today_part.reviews
    assert len(first) == 50
    r = {i: progress[i].retrievability or 0 for i in first}
    assert max(r.values()) <= min(
        progress[i].retrievability or 0 for i in progress if i not in first
    )


def test_without_a_date_fsrs_decides() -> None:
    catalog = [question(f"q{i}") for i in range(5)]
    progress = {"q0": seen("q0", due_in=0), "q1": seen("q1", due_in=3)}
    plan = build_plan(catalog, progress, today=TODAY, tz=UTC, caps=PlanCaps(new=2, reviews=10))
    assert plan.today_part.reviews == ("q0",) and plan.today_part.new == ("q2", "q3")
    assert "q1" in plan.days[3].reviews
    assert plan.weak_topics == () and plan.headline() == "1 review, 2 new, 0 drills"


def test_weakest_topics_twice_even_when_not_due() -> None:
    catalog = [question("w1", ("layernorm",)), question("w2", ("layernorm",)), question("ok")]
    progress = {
        "w1": seen("w1", due_in=40, recent=(False, False, False)),
        "w2": seen("w2", due_in=40, recent=(False, True, False)),
        "ok": seen("ok", due_in=40, recent=(True, True, True)),
    }
    plan = build_plan(
        catalog, progress, today=TODAY, tz=UTC, interview_date=TODAY + timedelta(days=4)
    )
    assert plan.weak_topics[0] == "layernorm"
    seen_on = looks(plan)
    assert len(set(seen_on["w1"])) >= 2 and len(set(seen_on["w2"])) >= 2


def test_past_date_and_tomorrow() -> None:
    catalog = [question("a"), question("b")]
    past = build_plan(catalog, {}, today=TODAY, tz=UTC, interview_date=TODAY - timedelta(days=1))
    assert not past.dated and past.headline().endswith("the interview date has passed")
    tomorrow = build_plan(
        catalog, {}, today=TODAY, tz=UTC, interview_date=TODAY + timedelta(days=1)
    )
    assert tomorrow.today_part.new == () and tomorrow.unscheduled == ("a", "b")
    assert tomorrow.headline().endswith("the interview is tomorrow")


def test_json_shape_is_stable() -> None:
    plan = build_plan(
        [question("a")], {}, today=TODAY, tz=UTC, interview_date=TODAY + timedelta(days=3)
    )
    data = plan.to_dict()
    assert list(data) == [
        "plan_version",
        "today",
        "interview_date",
        "days_left",
        "caps",
        "headline",
        "today_part",
        "days",
        "complete",
        "weak_topics",
        "unscheduled",
        "missing_second_look",
        "overflow_reviews",
        "needed_new_per_day",
        "backlog",
        "notes",
    ]
    assert list(data["today_part"]) == [
        "date",
        "reviews",
        "new",
        "drills",
        "review_ids",
        "new_ids",
        "drill_ids",
        "done",
        "done_ids",
    ]
    assert data["plan_version"] == 2  # today's part gained what is done


def test_todays_part_counts_down_as_the_user_works() -> None:
    catalog = [question(f"q{n}") for n in range(30)]
    caps = PlanCaps(new=5, reviews=100)
    morning = build_plan(catalog, {}, today=TODAY, tz=UTC, caps=caps)
    assert morning.today_part.new == ("q0", "q1", "q2", "q3", "q4")
    # Two of them answered (they have cards now): they are done, not replaced by two more.
    studied = {
        i: ItemProgress(i, attempts=1, correct=1, due=datetime(2025, 3, 12, tzinfo=UTC))
        for i in ("q0", "q3")
    }
    later = build_plan(catalog, studied, today=TODAY, tz=UTC, caps=caps, started_today=studied)
    assert later.today_part.new == ("q1", "q2", "q4")
    assert later.today_part.done == ("q0", "q3")
    assert later.headline() == "0 reviews, 3 new, 0 drills left (2 done)"
    assert later.days[1].new == ("q5", "q6", "q7", "q8", "q9")  # tomorrow is unchanged
    all_five = {f"q{n}": studied["q0"] for n in range(5)}
    done = build_plan(catalog, all_five, today=TODAY, tz=UTC, caps=caps, started_today=all_five)
    assert done.today_part.items == () and done.headline() == "done: 5 studied today"


# ---- properties ----------------------------------------------------------------------------


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[ItemInfo], dict[str, ItemProgress]]:
    n = draw(st.integers(1, 25))
    catalog: list[ItemInfo] = []
    progress: dict[str, ItemProgress] = {}
    for i in range(n):
        tags = tuple(draw(st.sets(st.sampled_from(TAGS), max_size=2)))
        item = drill_item(f"d{i}", tags=tags) if draw(st.booleans()) and i % 4 == 0 else None
        item = item or question(f"q{i}", tags)
        catalog.append(item)
        if draw(st.booleans()):
            recent = tuple(draw(st.lists(st.booleans(), min_size=1, max_size=5)))
            progress[item.item_id] = seen(
                item.item_id,
                due_in=draw(st.integers(-15, 40)),
                recent=recent,
                r=draw(st.floats(0.0, 1.0)),
            )
    return catalog, progress


caps_strategy = st.builds(PlanCaps, new=st.integers(0, 12), reviews=st.integers(0, 30))


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.integers(-3, 20), caps_strategy)
def test_plan_properties(
    scenario: tuple[list[ItemInfo], dict[str, ItemProgress]], days_left: int, caps: PlanCaps
) -> None:
    catalog, progress = scenario
    interview = TODAY + timedelta(days=days_left)
    plan = build_plan(catalog, progress, today=TODAY, tz=UTC, interview_date=interview, caps=caps)
    # Caps are never broken, and an item is met at most once a day.
    for day in plan.days:
        assert len(day.new) <= caps.new and len(day.reviews) <= caps.reviews
        assert len(set(day.items)) == len(day.items)
    new_ids = [i for d in plan.days for i in d.new]
    assert len(new_ids) == len(set(new_ids))
    never_scheduled = {i.item_id for i in catalog if i.item_id not in progress}
    assert set(new_ids) <= never_scheduled
    if not plan.dated:
        return
    assert set(new_ids) | set(plan.unscheduled) == never_scheduled
    assert not set(new_ids) & set(plan.unscheduled)
    # Every day is before the date, and the last day holds reviews only.
    assert len(plan.days) == days_left and plan.days[-1].day < interview
    assert plan.days[-1].new == ()
    weak = {i.item_id for i in catalog if set(i.tags) & set(plan.weak_topics)}
    met = looks(plan)
    if plan.complete:
        assert set(new_ids) == never_scheduled  # everything seen before the date
        assert all(len(set(met.get(i, []))) >= 2 for i in weak)
    # With room enough, the plan is complete.
    needed = math.ceil(len(never_scheduled) / (days_left - 1)) if days_left > 1 else 0
    ample = days_left >= 2 and caps.new >= needed and caps.reviews >= len(catalog)
    if ample:
        assert plan.complete, plan.notes
