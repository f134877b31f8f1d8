"""Study settings kept in the progress store, and the daily plan built from them.

The interview date, the daily caps and the leech threshold travel with the user's history (they
are in the store, so `export --format json` carries them), unlike `config.toml`, which holds
per-machine choices. A stored value that is not valid is read as the default, never fatal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from quizapp.quiz.plan import DEFAULT_NEW_CAP, DEFAULT_REVIEW_CAP, PlanCaps, StudyPlan, build_plan
from quizapp.store.leeches import DEFAULT_LEECH_THRESHOLD
from quizapp.store.records import JSONValue

if TYPE_CHECKING:
    from quizapp.quiz.sessions import ItemInfo, ItemProgress
    from quizapp.store.progress import ProgressStore

INTERVIEW_DATE = "interview_date"
DAILY_NEW_CAP = "daily_new_cap"
DAILY_REVIEW_CAP = "daily_review_cap"
LEECH_THRESHOLD = "leech_threshold"
MAX_CAP = 10_000


@dataclass(frozen=True, slots=True)
class StudySettings:
    """What the plan, the caps and leech detection read from the store."""

    interview_date: date | None = None
    daily_new_cap: int = DEFAULT_NEW_CAP
    daily_review_cap: int = DEFAULT_REVIEW_CAP
    leech_threshold: int = DEFAULT_LEECH_THRESHOLD

    @property
    def caps(self) -> PlanCaps:
        return PlanCaps(new=self.daily_new_cap, reviews=self.daily_review_cap)


def parse_interview_date(text: str) -> date:
    """A YYYY-MM-DD date; raises `ValueError` with a message a user can act on."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        # The example is a few weeks ahead: an example in the past reads like a typo of ours.
        example = (date.today() + timedelta(days=30)).isoformat()
        raise ValueError(
            f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. {example}"
        ) from None


def _int_setting(value: JSONValue, default: int, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_CAP:
        return default
    return value


def read_study_settings(store: ProgressStore) -> StudySettings:
    """The study settings saved in `store` (defaults for missing or unreadable values)."""
    saved = store.settings()
    raw_date = saved.get(INTERVIEW_DATE)
    interview: date | None = None
    if isinstance(raw_date, str):
        try:
            interview = parse_interview_date(raw_date)
        except ValueError:
            interview = None
    return StudySettings(
        interview_date=interview,
        daily_new_cap=_int_setting(saved.get(DAILY_NEW_CAP), DEFAULT_NEW_CAP, 0),
        daily_review_cap=_int_setting(saved.get(DAILY_REVIEW_CAP), DEFAULT_REVIEW_CAP, 0),
        leech_threshold=_int_setting(saved.get(LEECH_THRESHOLD), DEFAULT_LEECH_THRESHOLD, 1),
    )


def save_study_settings(store: ProgressStore, settings: StudySettings) -> None:
    """Save every study setting in one transaction (no interview date removes the key)."""
    for name, value, low in (
        ("daily_new_cap", settings.daily_new_cap, 0),
        ("daily_review_cap", settings.daily_review_cap, 0),
        ("leech_threshold", settings.leech_threshold, 1),
    ):
        if not low <= value <= MAX_CAP:
            raise ValueError(f"{name} must be between {low} and {MAX_CAP}, got {value}")
    store.set_settings(
        {
            INTERVIEW_DATE: settings.interview_date.isoformat()
            if settings.interview_date
            else None,
            DAILY_NEW_CAP: settings.daily_new_cap,
            DAILY_REVIEW_CAP: settings.daily_review_cap,
            LEECH_THRESHOLD: settings.leech_threshold,
        }
    )


def set_interview_date(store: ProgressStore, interview: date | None) -> None:
    """Save (or, with None, clear) the interview date."""
    store.set_settings({INTERVIEW_DATE: interview.isoformat() if interview else None})


def plan_from_store(
    store: ProgressStore,
    catalog: Sequence[ItemInfo],
    *,
    tz: tzinfo,
    now: datetime | None = None,
) -> StudyPlan:
    """Today's plan (and the days ahead) from the store's progress and study settings."""
    moment = store.now(now)
    return plan_from_progress(store, catalog, store.progress(moment), now=moment, tz=tz)


def plan_from_progress(
    store: ProgressStore,
    catalog: Sequence[ItemInfo],
    progress: dict[str, ItemProgress],
    *,
    now: datetime,
    tz: tzinfo,
) -> StudyPlan:
    """Today's plan from `progress` already read (as of `now`) and the store's study settings."""
    moment = store.now(now)
    settings = read_study_settings(store)
    today = moment.astimezone(tz).date()
    started, reviewed = store.studied_since(datetime.combine(today, time(), tzinfo=tz))
    return build_plan(
        catalog,
        progress,
        today=today,
        tz=tz,
        interview_date=settings.interview_date,
        caps=settings.caps,
        started_today=started,
        reviewed_today=reviewed,
    )
