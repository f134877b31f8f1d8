"""The self-assessment report: plain dataclasses computed from a history snapshot.

`build_report(history, catalog, now=..., tz=...)` is pure: the same history, catalog, moment and
time zone give the same report. Every field is JSON-native (dates are ISO strings), so
`report_to_dict` is stable for scripts; `REPORT_VERSION` changes when the shape does.

Definitions:

- **accuracy**: right answers / attempts, over every mode (cram and mock included; `by_mode`
  tells them apart). None when there are no attempts.
- **mastered**: an item whose FSRS card is in the Review state now *and* that has at least one
  successful review (rating Hard, Good or Easy, outside cram) given while the card was already
  in the Review state. Learning steps alone never master an item: it must have been recalled
  after a real spacing interval, and not forgotten since. **mastery** = mastered / items.
- **study day**: a local calendar date (in `tz`) with at least one attempt. **current streak**:
  consecutive study days ending today, or ending yesterday when today has none yet.
- **due now**: cards due at this moment (what a review session asks, and what home shows per
  deck). **due today**: cards of catalog items due by the end of today (local), overdue ones
  included; **due this week**: due by the end of the sixth day after today. **new**: catalog
  items with no review card yet.
- **drills**: a drill is *attempted* when it has a grader run, *passed* when any run passed,
  and *first-pass* when its earliest run passed; first-pass rate = first-pass / attempted.
- **leeches**: items answered wrong at least `leech_threshold` times (see `leeches.py`).
- **weakest topics**: tags ranked by `topic_scores` (smoothed recent accuracy), five at most,
  each with up to five of its items to review, weakest first.

Items that left the bank keep their history: their attempts count under the deck and tags
recorded with the attempt.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from fsrs import Rating, State

from quizapp.quiz.sessions import ItemInfo, topic_scores
from quizapp.store.item_progress import progress_from_history
from quizapp.store.leeches import DEFAULT_LEECH_THRESHOLD, Leech, find_leeches
from quizapp.store.reading import SCHEDULING_MODES
from quizapp.store.records import Attempt, History
from quizapp.store.scheduling import ReviewScheduler, as_utc

REPORT_VERSION = 1
WEAKEST_TOPICS = 5
REVIEW_IDS_PER_TOPIC = 5


@dataclass(frozen=True, slots=True)
class Totals:
    attempts: int
    correct: int
    accuracy: float | None
    items: int  # in the catalog
    items_seen: int  # catalog items with at least one attempt
    mastered: int
    mastery: float | None
    # Right answers the user declared after the checker refused them ("I was right").
    overridden: int = 0


@dataclass(frozen=True, slots=True)
class GroupStats:
    """One deck's or one tag's numbers."""

    name: str
    items: int
    items_seen: int
    attempts: int
    correct: int
    accuracy: float | None
    mastered: int
    mastery: float | None
    due_now: int  # what `r` reviews now; home counts the same
    due_today: int
    new: int


@dataclass(frozen=True, slots=True)
class Streak:
    current: int
    longest: int
    studied_today: bool
    last_study_day: str | None


@dataclass(frozen=True, slots=True)
class DueSummary:
    overdue: int
    today: int
    this_week: int
    new: int


@dataclass(frozen=True, slots=True)
class DrillStats:
    attempted: int
    passed: int
    first_pass: int
    first_pass_rate: float | None
    runs: int
    passed_ids: list[str]


@dataclass(frozen=True, slots=True)
class WeakTopic:
    tag: str
    attempts: int
    accuracy: float | None
    weakness: float
    review_ids: list[str]


@dataclass(frozen=True, slots=True)
class DayStats:
    day: str
    attempts: int
    correct: int
    accuracy: float | None


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the stats screen and `quizapp stats` show."""

    generated_at: str
    timezone: str
    totals: Totals
    by_mode: dict[str, int]
    decks: list[GroupStats]
    tags: list[GroupStats]
    streak: Streak
    due: DueSummary
    drills: DrillStats
    weakest: list[WeakTopic]
    daily: list[DayStats]
    leeches: list[Leech] = field(default_factory=list)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The calendar date of `moment` in `tz`."""
    return moment.astimezone(tz).date()


def mastered_items(history: History) -> set[str]:
    """Item ids that count as mastered (see the module docstring)."""
    in_review = {c.item_id for c in history.cards if c.state == State.Review}
    proven = {
        a.item_id
        for a in history.attempts
        if a.mode in SCHEDULING_MODES
        and a.state_before == State.Review
        and a.rating is not None
        and a.rating >= Rating.Hard
    }
    return in_review & proven


def build_report(
    history: History,
    catalog: Sequence[ItemInfo],
    *,
    now: datetime,
    tz: tzinfo,
    scheduler: ReviewScheduler | None = None,
    leech_threshold: int = DEFAULT_LEECH_THRESHOLD,
    drill_related: Mapping[str, Sequence[str]] | None = None,
) -> Report:
    """The report for `history` against the current `catalog`, as of `now`, days in `tz`.

    `leech_threshold` and `drill_related` (drill id -> its related question ids) feed the
    leeches list (see `quizapp.store.leeches`).
    """
    now = as_utc(now)
    scheduler = scheduler or ReviewScheduler()
    progress = progress_from_history(history, scheduler, now)
    today = local_day(now, tz)
    end_today = datetime.combine(today + timedelta(days=1), time(), tz)
    end_week = end_today + timedelta(days=6)
    catalog_ids = {i.item_id for i in catalog}
    mastered = mastered_items(history) & catalog_ids
    cards = {c.item_id: c for c in history.cards}

    def groups(key: str) -> list[GroupStats]:
        members: dict[str, list[ItemInfo]] = {}
        for item in catalog:
            for name in [item.deck] if key == "deck" else item.tags:
                members.setdefault(name, []).append(item)
        tallies: dict[str, Counter[str]] = {}
        by_id = {i.item_id: i for i in catalog}
        for a in history.attempts:
            for name in _groups_of(a, by_id.get(a.item_id), key):
                tally = tallies.setdefault(name, Counter())
                tally["attempts"] += 1
                tally["correct"] += int(a.correct)
        out = []
        for name in sorted(set(members) | set(tallies)):
            items = members.get(name, [])
            tally = tallies.get(name, Counter())
            n_mastered = sum(1 for i in items if i.item_id in mastered)
            out.append(
                GroupStats(
                    name=name,
                    items=len(items),
                    items_seen=sum(
                        1 for i in items if i.item_id in progress and progress[i.item_id].attempts
                    ),
                    attempts=tally["attempts"],
                    correct=tally["correct"],
                    accuracy=_ratio(tally["correct"], tally["attempts"]),
                    mastered=n_mastered,
                    mastery=_ratio(n_mastered, len(items)),
                    due_now=sum(
                        1 for i in items if i.item_id in cards and cards[i.item_id].due <= now
                    ),
                    due_today=sum(
                        1 for i in items if i.item_id in cards and cards[i.item_id].due < end_today
                    ),
                    new=sum(1 for i in items if i.item_id not in cards),
                )
            )
        return out

    attempts = len(history.attempts)
    correct = sum(a.correct for a in history.attempts)
    catalog_cards = [cards[i] for i in catalog_ids if i in cards]
    totals = Totals(
        attempts=attempts,
        correct=correct,
        accuracy=_ratio(correct, attempts),
        items=len(catalog_ids),
        items_seen=sum(1 for i in catalog_ids if i in progress and progress[i].attempts),
        mastered=len(mastered),
        mastery=_ratio(len(mastered), len(catalog_ids)),
        overridden=sum(1 for a in history.attempts if a.overridden),
    )
    due = DueSummary(
        overdue=sum(1 for c in catalog_cards if c.due <= now),
        today=sum(1 for c in catalog_cards if c.due < end_today),
        this_week=sum(1 for c in catalog_cards if c.due < end_week),
        new=len(catalog_ids) - len(catalog_cards),
    )
    weakest = [
        WeakTopic(
            tag=s.tag,
            attempts=s.attempts,
            accuracy=_ratio(s.correct, s.attempts),
            weakness=round(s.weakness, 6),
            review_ids=list(s.review_ids[:REVIEW_IDS_PER_TOPIC]),
        )
        for s in topic_scores(catalog, progress)[:WEAKEST_TOPICS]
    ]
    return Report(
        generated_at=now.isoformat(),
        timezone=str(tz),
        totals=totals,
        by_mode=dict(sorted(Counter(a.mode for a in history.attempts).items())),
        decks=groups("deck"),
        tags=groups("tag"),
        streak=_streak(history.attempts, today, tz),
        due=due,
        drills=_drill_stats(history),
        weakest=weakest,
        daily=_daily(history.attempts, tz),
        leeches=find_leeches(
            history, catalog, threshold=leech_threshold, drill_related=drill_related
        ),
    )


def _groups_of(attempt: Attempt, item: ItemInfo | None, key: str) -> list[str]:
    """The deck (or tags) an attempt counts under: the bank's now, else those it was made with."""
    if key == "deck":
        deck = item.deck if item else attempt.deck
        return [deck] if deck else []
    return list(item.tags if item else attempt.tags)


def _streak(attempts: Sequence[Attempt], today: date, tz: tzinfo) -> Streak:
    days = sorted({local_day(a.answered_at, tz) for a in attempts})
    if not days:
        return Streak(0, 0, False, None)
    longest = run = 1
    for prev, cur in itertools.pairwise(days):
        run = run + 1 if cur - prev == timedelta(days=1) else 1
        longest = max(longest, run)
    studied = set(days)
    start = today if today in studied else today - timedelta(days=1)
    current = 0
    while start - timedelta(days=current) in studied:
        current += 1
    return Streak(current, longest, today in studied, days[-1].isoformat())


def _drill_stats(history: History) -> DrillStats:
    first: dict[str, bool] = {}
    passed: set[str] = set()
    for run in history.drill_runs:  # oldest first
        first.setdefault(run.drill_id, run.passed)
        if run.passed:
            passed.add(run.drill_id)
    first_pass = sum(first.values())
    return DrillStats(
        attempted=len(first),
        passed=len(passed),
        first_pass=first_pass,
        first_pass_rate=_ratio(first_pass, len(first)),
        runs=len(history.drill_runs),
        passed_ids=sorted(passed),
    )


def _daily(attempts: Sequence[Attempt], tz: tzinfo) -> list[DayStats]:
    tally: dict[date, list[int]] = {}
    for a in attempts:
        entry = tally.setdefault(local_day(a.answered_at, tz), [0, 0])
        entry[0] += 1
        entry[1] += int(a.correct)
    return [
        DayStats(day.isoformat(), n, right, _ratio(right, n))
        for day, (n, right) in sorted(tally.items())
    ]


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON data, with `report_version` first."""
    return {"report_version": REPORT_VERSION, **asdict(report)}
