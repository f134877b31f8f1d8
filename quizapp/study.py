"""The study facade: what the TUI asks of the layers below (bank, checking, progress).

Screens hold no logic of their own: they ask this object for decks and sessions, hand it the
user's answers, and show the verdicts it returns; every answer is written to the progress store
at once. Keeping it free of Textual lets every flow be tested without a terminal. The store is
opened on first use (off the UI thread at start-up), so the first screen never waits for it.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp.bank.cache import DeckCache
from quizapp.bank.deck import LoadedDeck
from quizapp.bank.loader import Bank, load_bank
from quizapp.bank.problems import Problem
from quizapp.bank.text import Lang, text_in
from quizapp.config import Settings, data_dir, load_settings, save_language
from quizapp.study_records import DeckCounts, Mode, StudySession

if TYPE_CHECKING:
    from quizapp.bank.drill import Drill
    from quizapp.bank.model import Question
    from quizapp.grading.client import CancelFlag, Progress
    from quizapp.grading.report import Report as GradeReport
    from quizapp.quiz.checking import Answer, SelfRating, Verdict
    from quizapp.quiz.plan import StudyPlan
    from quizapp.quiz.sessions import ItemInfo, ItemProgress
    from quizapp.store.progress import ProgressStore
    from quizapp.store.report import Report
    from quizapp.store.study_settings import StudySettings
    from quizapp.store.workspace import SolutionFile, Workspace

SESSION_TITLES = {
    "review": ("Due reviews", "到期复习"),
    "weakest": ("Weakest topics", "薄弱知识点"),
    "mock": ("Mock interview", "模拟面试"),
    "new": ("New questions", "新题"),
    "cram": ("Cram: the whole bank", "突击：全部题目"),
    "today": ("Today's plan", "今日计划"),
}


class Study:
    """The bank, the user's settings and (later) their progress, behind one object."""

    def __init__(
        self,
        folder: Path,
        banks: Sequence[Path] = (),
        *,
        use_cache: bool = True,
        shipped: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        self.folder = folder
        # Draws the seeds that shuffle choices; tests pass a seeded one.
        self._rng = rng or random.Random()
        self.settings: Settings = load_settings(folder)
        # Drill files are cached beside the decks (their keys differ by kind).
        self._cache = DeckCache(folder / "cache" / "decks") if use_cache else None
        self.bank: Bank = load_bank(
            [*self.settings.banks, *banks], shipped=shipped, cache=self._cache
        )
        self.language: Lang = "zh" if self.settings.language == "zh" else "en"
        self.notices: list[str] = []
        self._store: ProgressStore | None = None
        self._store_tried = False
        self._lock = threading.Lock()
        self._drills: dict[str, Drill] | None = None
        self._drills_lock = threading.Lock()

    @property
    def problems(self) -> list[Problem]:
        """Problems with the settings file and with any deck, for the home warning."""
        return [*self.settings.problems, *self.bank.problems]

    @property
    def store(self) -> ProgressStore | None:
        """The progress store, opened on first use; None (with a notice) if it cannot be."""
        with self._lock:
            if not self._store_tried:
                self._store_tried = True
                from quizapp.store.errors import StoreError
                from quizapp.store.progress import ProgressStore

                try:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    self._store = ProgressStore.open(self.folder)
                except (StoreError, OSError) as exc:
                    self.notices.append(f"progress is not being saved: {exc}")
                else:
                    self.notices.extend(n.message for n in self._store.notices)
                    if self._store.read_only:
                        self.notices.append(
                            f"progress is read-only: {self._store.read_only_reason}"
                        )
            return self._store

    def set_language(self, lang: Lang) -> None:
        """Switch the language and remember it in config.toml (only that line changes)."""
        self.language = lang
        try:
            save_language(self.folder, lang)
        except OSError as exc:
            self.notices.append(f"the language choice could not be saved: {exc.strerror or exc}")

    @property
    def catalog(self) -> list[ItemInfo]:
        from quizapp.quiz.sessions import catalog_from_bank

        return catalog_from_bank(self.bank, self.drills.values())

    def progress(self) -> dict[str, ItemProgress]:
        store = self.store
        return store.progress() if store is not None else {}

    def home_counts(self) -> tuple[dict[str, DeckCounts], StudyPlan | None]:
        """What home shows after a session: per-deck counts and today's plan, from one read.

        Reads the whole progress: call it from a worker.
        """
        store = self.store
        if store is None:
            return {}, None
        now = store.now()
        progress = store.progress(now)
        return self._deck_counts(store, progress, now), self._plan(store, progress, now)

    def _deck_counts(
        self, store: ProgressStore, progress: dict[str, ItemProgress], now: datetime
    ) -> dict[str, DeckCounts]:
        """Per deck: questions, how many seen, due now, and mastered (see the report)."""
        mastered = store.mastered()
        counts: dict[str, DeckCounts] = {}
        for deck in self.bank.decks:
            ids = deck.ids
            seen = sum(1 for i in ids if i in progress and progress[i].attempts)
            due = sum(1 for i in ids if _is_due(progress.get(i), now))
            counts[deck.deck_id] = DeckCounts(len(ids), seen, due, sum(i in mastered for i in ids))
        return counts

    def session(
        self, kind: str, *, deck: str | None = None, tag: str | None = None
    ) -> StudySession:
        """Build a session: "deck", "today", "review", "weakest", "new", "mock", "cram" or "tag".

        "deck" resumes the deck: its due cards, then its unseen questions (empty when the deck
        is done for now: cram asks the rest). "today" is today's part of the plan.
        """
        from quizapp.quiz import sessions

        catalog = self.catalog
        progress = self.progress()
        store = self.store
        now = store.now() if store is not None else datetime.now().astimezone()
        if kind == "review":
            # A backlog after a break comes a day's worth at a time, weakest recall first.
            cap = self.study_settings().daily_review_cap
            built = sessions.due_reviews(catalog, progress, now, limit=cap)
        elif kind == "weakest":
            built = sessions.weakest_topics(catalog, progress)
        elif kind == "new":
            built = sessions.new_only(catalog, progress, deck=deck, limit=20)
        elif kind == "mock":
            built = sessions.mock_interview(catalog, progress)
        elif kind == "cram":
            built = sessions.cram(catalog, deck=deck, tag=tag)
        elif kind == "tag" and tag is not None:
            built = sessions.by_tag(catalog, tag)
        elif kind == "today":
            plan = self._plan(store, progress, now) if store is not None else None
            part = plan.today_part if plan is not None else None
            # A review due later today (a learning step) waits for its time, then comes back.
            reviews = [i for i in part.reviews if _is_due(progress.get(i), now)] if part else []
            built = sessions.todays_part(catalog, [*reviews, *(part.new if part else ())])
        else:
            built = sessions.resume_deck(catalog, progress, deck or "", now)
        questions = [q for item in built.items if (q := self.bank.question(item.item_id))]
        drills = [item.item_id for item in built.items if item.kind == "drill"]
        title = self._title(kind, deck, tag)
        return StudySession(title, questions, built.mode, built.time_limit_seconds, drills)

    def _title(self, kind: str, deck_id: str | None, tag: str | None) -> str:
        deck = self.bank.deck(deck_id) if deck_id else None
        if deck is not None:
            return text_in(deck.title, self.language)
        if tag is not None:
            return f"#{tag}"
        titles = SESSION_TITLES.get(kind, SESSION_TITLES["review"])
        return titles[1] if self.language == "zh" else titles[0]

    def presentation_seed(self) -> int:
        """A seed for showing one question (`quiz.presentation.choice_order`)."""
        from quizapp.quiz.presentation import new_seed

        return new_seed(self._rng)

    def record(
        self,
        question: Question,
        answer: Answer | SelfRating,
        verdict: Verdict,
        *,
        seconds: float,
        hinted: bool,
        mode: Mode,
        seed: int | None = None,
        overridden: bool = False,
    ) -> str | None:
        """Write one answer to the store (one transaction); why it was not saved, or None.

        `seed` ordered the choices as shown; `overridden` records a typed answer the user
        declared right after the checker said wrong. A full disk, or a busy, read-only or
        missing store, is said, never raised: the session goes on and the next answer tries
        again.
        """
        from quizapp.store.errors import StoreError

        store = self.store
        if store is None:
            return "progress is not being saved: the data folder could not be opened"
        if store.read_only_reason is not None:
            return store.read_only_reason
        try:
            store.record_answer(
                question,
                deck=self.bank.deck_of.get(question.id),
                answer=sorted(answer) if isinstance(answer, frozenset) else answer,
                correct=verdict.correct,
                seconds=seconds,
                score=verdict.score,
                language=self.language,
                mode=mode,
                hint_used=hinted,
                seed=seed,
                overridden=overridden,
            )
        except StoreError as exc:
            return str(exc)
        return None

    def override_last(
        self,
        question: Question,
        answer: Answer,
        *,
        seconds: float,
        hinted: bool,
        mode: Mode,
        saved: bool,
    ) -> tuple[Verdict, str | None]:
        """Record the last answer, marked wrong by the checker, as right because the user says so.

        When the wrong attempt was `saved` it is undone first (its card restored), so
        scheduling and reports see one attempt; an unsaved one is simply recorded now.
        """
        from quizapp.quiz.checking import Verdict

        verdict = Verdict(True, 1.0)
        if saved:
            self.undo_last()
        unsaved = self.record(
            question, answer, verdict, seconds=seconds, hinted=hinted, mode=mode, overridden=True
        )
        return verdict, unsaved

    def undo_last(self) -> str | None:
        """Revert the last recorded answer; the id of its question, or None if nothing to undo."""
        from quizapp.store.errors import NothingToUndoError

        store = self.store
        if store is None:
            return None
        try:
            return store.undo_last().item_id
        except NothingToUndoError:
            return None

    def plan_today(self) -> StudyPlan | None:
        """Today's part of the plan and the days ahead (None without a store).

        `plan.headline()` is the line home shows ("12 reviews, 8 new, 2 drills: 9 days left");
        `plan.today_part` holds the item ids. Reads the whole progress: call it from a worker.
        """
        store = self.store
        if store is None:
            return None
        now = store.now()
        return self._plan(store, store.progress(now), now)

    def _plan(
        self, store: ProgressStore, progress: dict[str, ItemProgress], now: datetime
    ) -> StudyPlan:
        from quizapp.store.study_settings import plan_from_progress

        return plan_from_progress(store, self.catalog, progress, now=now, tz=_local_tz())

    def study_settings(self) -> StudySettings:
        """Interview date, daily caps and leech threshold (defaults without a store)."""
        from quizapp.store.study_settings import StudySettings, read_study_settings

        store = self.store
        return read_study_settings(store) if store is not None else StudySettings()

    def save_study_settings(self, settings: StudySettings) -> str | None:
        """Save the study settings (one transaction); why not, or None when saved.

        Raises nothing: a read-only or missing store, or an out-of-range value, is the message.
        """
        from quizapp.store.errors import StoreError
        from quizapp.store.study_settings import save_study_settings

        store = self.store
        if store is None or store.read_only:
            return "progress is not being saved, so settings cannot be either"
        try:
            save_study_settings(store, settings)
        except (ValueError, StoreError) as exc:
            return str(exc)
        return None

    def set_interview_date(self, interview: date | None) -> str | None:
        """Set (None: clear) the interview date; why not, or None when saved."""
        from dataclasses import replace

        return self.save_study_settings(replace(self.study_settings(), interview_date=interview))

    @property
    def drills(self) -> dict[str, Drill]:
        """The shipped drills by id (loaded on first use, by whichever thread asks first)."""
        with self._drills_lock:
            if self._drills is None:
                from quizapp.bank.drill import load_drills

                loaded = load_drills(cache=self._cache)
                self._drills = dict(loaded.drills)
                self.bank.problems.extend(loaded.problems)
            return self._drills

    @property
    def workspace(self) -> Workspace:
        from quizapp.store.workspace import Workspace

        return Workspace.in_data_dir(self.folder)

    def open_solution(self, drill_id: str) -> SolutionFile:
        """The user's file for a drill, created from the starter the first time."""
        return self.workspace.open(drill_id, self.drills[drill_id].starter)

    def reference_solution(self, drill_id: str) -> str:
        from quizapp.bank.loader import SHIPPED_BANK

        path = SHIPPED_BANK.parent / "solutions" / f"{drill_id}.py"
        return path.read_text(encoding="utf-8")

    def passed_drills(self) -> set[str]:
        store = self.store
        return {r.drill_id for r in store.drill_runs() if r.passed} if store is not None else set()

    def grade(
        self,
        drill_id: str,
        source: str,
        filename: str,
        *,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
        seconds: float | None = None,
        hint_used: bool = False,
    ) -> GradeReport:
        """Grade a solution in the sandbox (never imports torch here) and record the run.

        The first passing run counts as the drill's review (its FSRS card); every run is kept.
        """
        from quizapp.grading.client import grade
        from quizapp.store.workspace import code_hash

        report = grade(drill_id, source, filename, progress=progress, cancel=cancel)
        store = self.store
        if store is not None and not store.read_only and not report.cancelled:
            first_pass = report.passed and drill_id not in self.passed_drills()
            store.record_drill_run(
                drill_id,
                code_hash=code_hash(source),
                passed=report.passed,
                duration=report.duration_s,
                failed_checks=[c.name for c in report.failed_checks],
                diagnosis_ids=[d.id for d in report.diagnosis],
                review=first_pass,
                seconds=seconds,
                hint_used=hint_used,
                language=self.language,
            )
        return report

    def report(self) -> Report | None:
        """The self-assessment report (reads the whole history: call it from a worker)."""
        from quizapp.store.report import build_report

        store = self.store
        if store is None:
            return None
        from quizapp.store.study_settings import read_study_settings

        now = store.now()
        return build_report(
            store.history(),
            self.catalog,
            now=now,
            tz=_local_tz(),
            leech_threshold=read_study_settings(store).leech_threshold,
            drill_related={d.id: d.related for d in self.drills.values()},
        )

    @property
    def decks(self) -> list[LoadedDeck]:
        return [d for d in self.bank.decks if len(d)]

    def deck_questions(self, deck_id: str) -> list[Question]:
        deck = self.bank.deck(deck_id)
        return list(deck.questions) if deck else []

    def answer(self, question: Question, answer: Answer | SelfRating) -> Verdict:
        """Check an answer (raises `AnswerError` for unreadable input, e.g. not a number)."""
        from quizapp.quiz.checking import check_answer  # deferred: not needed to draw home

        return check_answer(question, answer)


def _is_due(progress: ItemProgress | None, now: datetime) -> bool:
    return progress is not None and progress.due is not None and progress.due <= now


def _local_tz() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None  # astimezone() always attaches the local zone
    return tz


def open_study(
    folder: str | Path | None = None,
    banks: Sequence[Path] = (),
    *,
    shipped: bool = True,
    rng: random.Random | None = None,
) -> Study:
    """The study facade for a data folder (`--data-dir`, `QUIZAPP_DATA_DIR` or the default)."""
    return Study(data_dir(folder), banks, shipped=shipped, rng=rng)


def now() -> float:
    """Monotonic seconds, for timing answers."""
    return time.monotonic()
