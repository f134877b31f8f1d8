"""The daily plan toward an interview date: which items to study on each day. Pure functions.

`build_plan` takes the catalog, every item's progress, today's local date, the interview date
(or None) and the daily caps, and lays out the days from today to the day before the interview:

- every item never scheduled (no FSRS card yet) is introduced as *new* on some day before the
  last one, spread evenly, the weakest topics' items first, drills interleaved with questions;
- the last day before the interview holds only reviews;
- every item of the weakest topics is looked at on at least two different days;
- no day has more new items than `caps.new` nor more reviews than `caps.reviews`; reviews waiting
  beyond the cap (a backlog after a break) are served lowest retrievability first and carried to
  the next day, never piled onto one day.

When the caps leave no room for everything, the plan says so (`complete` is False, `unscheduled`
lists what is left out, `needed_new_per_day` says which new-item cap would fit) instead of
breaking a cap. Without a date (or once it has passed) FSRS alone decides: each day holds the
reviews due (capped) and up to `caps.new` new items, over `HORIZON_DAYS` days.

Days after today are a projection, recomputed every day from the real FSRS state: an item
looked at on a day comes back `FIRST_GAP_DAYS` later the first time, and its gap grows by
`GAP_GROWTH` after each look (an existing card starts from its stability). Before an interview
the next look of a weak-topic item is pulled in to the last day at the latest.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from quizapp.quiz.sessions import ItemInfo, ItemProgress, topic_scores

DEFAULT_NEW_CAP = 20
DEFAULT_REVIEW_CAP = 100
# Days shown ahead when there is no interview date.
HORIZON_DAYS = 7
# How many of the weakest topics must be looked at twice before the interview.
WEAK_TOPICS = 3
FIRST_GAP_DAYS = 2
GAP_GROWTH = 2.5
PLAN_VERSION = 2


@dataclass(frozen=True, slots=True)
class PlanCaps:
    """The most new items and the most reviews a day may hold (questions and drills alike)."""

    new: int = DEFAULT_NEW_CAP
    reviews: int = DEFAULT_REVIEW_CAP

    def __post_init__(self) -> None:
        if self.new < 0 or self.reviews < 0:
            raise ValueError("daily caps cannot be negative")


@dataclass(frozen=True, slots=True)
class PlanDay:
    """One day of the plan: item ids to meet for the first time and to review, in order.

    `drills` lists the drill ids among `new` and `reviews` (home shows them apart). Today's
    part lists what is left in `new` and `reviews` and what was already studied in `done`.
    """

    day: date
    new: tuple[str, ...] = ()
    reviews: tuple[str, ...] = ()
    drills: tuple[str, ...] = ()
    done: tuple[str, ...] = ()  # today only: items of today's part already studied

    @property
    def items(self) -> tuple[str, ...]:
        return (*self.reviews, *self.new)

    @property
    def new_questions(self) -> int:
        return sum(1 for i in self.new if i not in self.drills)

    @property
    def review_questions(self) -> int:
        return sum(1 for i in self.reviews if i not in self.drills)

    def summary(self) -> str:
        """'12 reviews, 8 new, 2 drills' (questions counted apart from drills), with what is done.

        Today's part counts down: '3 reviews, 5 new, 0 drills left (6 done)', and once nothing
        is left, 'done: 14 studied today'.
        """
        if self.done and not self.items:
            return f"done: {len(self.done)} studied today"
        parts = [
            _count(self.review_questions, "review"),
            f"{self.new_questions} new",
            _count(len(self.drills), "drill"),
        ]
        left = f" left ({len(self.done)} done)" if self.done else ""
        return ", ".join(parts) + left

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "reviews": self.review_questions,
            "new": self.new_questions,
            "drills": len(self.drills),
            "review_ids": list(self.reviews),
            "new_ids": list(self.new),
            "drill_ids": list(self.drills),
            "done": len(self.done),
            "done_ids": list(self.done),
        }


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class StudyPlan:
    """The plan from `today` on; `days[0]` is today's part."""

    today: date
    interview_date: date | None
    caps: PlanCaps
    days: tuple[PlanDay, ...]
    weak_topics: tuple[str, ...] = ()
    unscheduled: tuple[str, ...] = ()  # new items the caps leave no room for before the date
    missing_second_look: tuple[str, ...] = ()  # weak-topic items seen fewer than two days
    overflow_reviews: tuple[str, ...] = ()  # due reviews still waiting after the last day
    needed_new_per_day: int | None = None
    backlog: int = 0  # reviews overdue or due today before the cap
    notes: tuple[str, ...] = field(default=())

    @property
    def days_left(self) -> int | None:
        """Days from today to the interview (0 on the day itself, negative after it)."""
        return None if self.interview_date is None else (self.interview_date - self.today).days

    @property
    def dated(self) -> bool:
        """Whether the plan works toward an interview date (not passed yet)."""
        left = self.days_left
        return left is not None and left > 0

    @property
    def complete(self) -> bool:
        """Every item seen before the date and every weak-topic item looked at twice."""
        return not self.unscheduled and not self.missing_second_look

    @property
    def today_part(self) -> PlanDay:
        return self.days[0] if self.days else PlanDay(self.today)

    def headline(self) -> str:
        """Today's part: '12 reviews, 8 new, 2 drills: 9 days left'."""
        text = self.today_part.summary()
        left = self.days_left
        if left is None:
            return text
        if left > 1:
            return f"{text}: {left} days left"
        if left == 1:
            return f"{text}: the interview is tomorrow"
        if left == 0:
            return f"{text}: the interview is today"
        return f"{text}: the interview date has passed"

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON data (stable shape; `plan_version` changes when it does)."""
        return {
            "plan_version": PLAN_VERSION,
            "today": self.today.isoformat(),
            "interview_date": self.interview_date.isoformat() if self.interview_date else None,
            "days_left": self.days_left,
            "caps": {"new": self.caps.new, "reviews": self.caps.reviews},
            "headline": self.headline(),
            "today_part": self.today_part.to_dict(),
            "days": [d.to_dict() for d in self.days],
            "complete": self.complete,
            "weak_topics": list(self.weak_topics),
            "unscheduled": list(self.unscheduled),
            "missing_second_look": list(self.missing_second_look),
            "overflow_reviews": list(self.overflow_reviews),
            "needed_new_per_day": self.needed_new_per_day,
            "backlog": self.backlog,
            "notes": list(self.notes),
        }


@dataclass(slots=True)
class _Pending:
    """A review waiting to be placed: not before day index `earliest`."""

    item_id: str
    earliest: int
    gap: float
    priority: float  # lower first: retrievability as of now
    real: bool = False  # due by FSRS now (not a projected look)


def _due_index(p: ItemProgress, today: date, tz: tzinfo) -> int:
    assert p.due is not None
    return max(0, (p.due.astimezone(tz).date() - today).days)


def build_plan(
    catalog: Sequence[ItemInfo],
    progress: Mapping[str, ItemProgress],
    *,
    today: date,
    tz: tzinfo,
    interview_date: date | None = None,
    caps: PlanCaps | None = None,
    started_today: Collection[str] = (),
    reviewed_today: Collection[str] = (),
) -> StudyPlan:
    """The study plan from `today` (a local date in `tz`); see the module docstring.

    Args:
        catalog: every question and drill that can be asked, in catalog order.
        progress: per item id, as `ProgressStore.progress(now)` gives it.
        today: the local calendar date the plan starts on.
        tz: the zone that turns due times into local dates.
        interview_date: the interview day (nothing is planned on it), or None.
        caps: the daily limits on new items and reviews.
        started_today: items first studied today: they were new this morning and fill today's
            share of new items, so today's part counts down instead of refilling.
        reviewed_today: other items studied today (today's part done so far).
    """
    caps = caps or PlanCaps()
    left = None if interview_date is None else (interview_date - today).days
    dated = left is not None and left > 0
    n_days = left if dated and left is not None else HORIZON_DAYS
    kinds = {i.item_id: i.kind for i in catalog}
    order = {i.item_id: n for n, i in enumerate(catalog)}

    weak_topics: tuple[str, ...] = ()
    weak: set[str] = set()
    weak_rank: dict[str, int] = {}
    if dated:
        scores = topic_scores(catalog, progress)[:WEAK_TOPICS]
        weak_topics = tuple(s.tag for s in scores)
        for rank, tag in enumerate(weak_topics):
            for item in catalog:
                if tag in item.tags:
                    weak.add(item.item_id)
                    weak_rank.setdefault(item.item_id, rank)

    started = set(started_today)
    new_items = [
        i.item_id
        for i in catalog
        if i.item_id in started or (p := progress.get(i.item_id)) is None or p.is_new
    ]
    # Drills come after the questions in the catalog: interleave them so each day has its share.
    share: dict[str, float] = {}
    for kind in ("question", "drill"):
        of_kind = [i for i in new_items if kinds[i] == kind]
        share.update({item_id: n / len(of_kind) for n, item_id in enumerate(of_kind)})
    # Those met today come first: they take today's share before anything still unseen.
    new_items.sort(
        key=lambda i: (i not in started, weak_rank.get(i, WEAK_TOPICS), share[i], order[i])
    )

    # New items per day: spread evenly over the days before the last one (dated), else the cap.
    new_by_day: list[list[str]] = [[] for _ in range(n_days)]
    unscheduled: list[str] = []
    needed: int | None = None
    if dated:
        teaching_days = n_days - 1
        if new_items:
            needed = math.ceil(len(new_items) / teaching_days) if teaching_days else None
        per_day = min(caps.new, needed) if needed is not None else 0
        queue = list(new_items)
        for d in range(teaching_days):
            take = max(per_day, len(started)) if d == 0 else per_day  # done is done
            new_by_day[d], queue = queue[:take], queue[take:]
        unscheduled = queue
    else:
        queue = list(new_items)
        for d in range(n_days):
            take = max(caps.new, len(started)) if d == 0 else caps.new
            new_by_day[d], queue = queue[:take], queue[take:]

    pending: dict[str, _Pending] = {}
    backlog = 0
    for item in catalog:
        p = progress.get(item.item_id)
        if p is None or p.is_new:
            continue
        earliest = _due_index(p, today, tz)
        if earliest == 0:
            backlog += 1
        if item.item_id in weak:
            earliest = 0  # weak topics: look now, and again before the date
        if earliest >= n_days:
            continue
        pending[item.item_id] = _Pending(
            item.item_id,
            earliest,
            max(float(FIRST_GAP_DAYS), p.stability or 0.0),
            p.retrievability if p.retrievability is not None else 0.0,
            real=True,
        )

    looks: dict[str, set[int]] = {}
    days: list[PlanDay] = []
    last = n_days - 1
    for d in range(n_days):
        ready = [x for x in pending.values() if x.earliest <= d]
        # Weak-topic items still short of two looks go first, then lowest retrievability.
        ready.sort(
            key=lambda x: (
                not (x.item_id in weak and len(looks.get(x.item_id, ())) < 2),
                x.priority,
                order[x.item_id],
            )
        )
        taken = ready[: caps.reviews]
        reviews = [x.item_id for x in taken]
        for x in taken:
            looks.setdefault(x.item_id, set()).add(d)
            del pending[x.item_id]
            nxt = _next_look(d, x.gap, x.item_id in weak and dated, last)
            if nxt is not None:
                pending[x.item_id] = _Pending(x.item_id, nxt, x.gap * GAP_GROWTH, 0.9)
        for item_id in new_by_day[d]:
            looks.setdefault(item_id, set()).add(d)
            nxt = _next_look(d, FIRST_GAP_DAYS, item_id in weak and dated, last)
            if nxt is not None:
                pending[item_id] = _Pending(item_id, nxt, FIRST_GAP_DAYS * GAP_GROWTH, 0.9)
        done = [i for i in new_by_day[d] if i in started] if d == 0 else []
        if d == 0:
            done += sorted(set(reviewed_today) & kinds.keys(), key=lambda i: order[i])
        new = [i for i in new_by_day[d] if i not in started]
        day_items = [*reviews, *new]
        days.append(
            PlanDay(
                day=today + timedelta(days=d),
                new=tuple(new),
                reviews=tuple(reviews),
                drills=tuple(i for i in day_items if kinds.get(i) == "drill"),
                done=tuple(done),
            )
        )

    overflow = sorted(
        (x.item_id for x in pending.values() if x.earliest <= last and x.real),
        key=lambda i: order[i],
    )
    missing = (
        sorted((i for i in weak if len(looks.get(i, ())) < 2), key=lambda i: order[i])
        if dated
        else []
    )
    notes = _notes(left, dated, unscheduled, needed, caps, missing)
    return StudyPlan(
        today=today,
        interview_date=interview_date,
        caps=caps,
        days=tuple(days),
        weak_topics=weak_topics,
        unscheduled=tuple(unscheduled),
        missing_second_look=tuple(missing),
        overflow_reviews=tuple(overflow),
        needed_new_per_day=needed,
        backlog=backlog,
        notes=notes,
    )


def _next_look(day: int, gap: float, pull_in: bool, last: int) -> int | None:
    """The projected day of the next look; weak-topic items come back by the last day."""
    nxt = day + max(1, round(gap))
    if pull_in:
        nxt = min(nxt, last)
    return nxt if nxt > day else None


def _notes(
    left: int | None,
    dated: bool,
    unscheduled: Sequence[str],
    needed: int | None,
    caps: PlanCaps,
    missing: Sequence[str],
) -> tuple[str, ...]:
    notes: list[str] = []
    if left is None:
        notes.append("no interview date: reviews as FSRS schedules them, new items up to the cap")
    elif not dated:
        notes.append("the interview date is today or has passed: FSRS alone decides")
    if unscheduled:
        if left == 1:
            notes.append(
                f"{len(unscheduled)} item(s) never seen: the last day before the interview "
                "holds reviews only"
            )
        else:
            notes.append(
                f"{len(unscheduled)} new item(s) do not fit before the date: raise the daily "
                f"new cap to {needed} (now {caps.new}) or move the date"
            )
    if missing:
        notes.append(f"{len(missing)} weak-topic item(s) cannot be looked at twice within the caps")
    return tuple(notes)


def local_today(now: datetime, tz: tzinfo) -> date:
    """The local calendar date of `now` in `tz`."""
    return now.astimezone(tz).date()
