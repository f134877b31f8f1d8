"""`ProgressStore`: record answers and drill runs, keep FSRS cards, undo (reads: reading.py).

Each recorded answer is one transaction: the attempt row, the card before (for undo) and the
card after are saved together or not at all. Items are keyed on their id only, so an item that
leaves the bank keeps its history, and an id that comes back picks it up again.

Every method that depends on the time takes `now` (timezone-aware); without it the store's
clock is used (`clock=` at opening, UTC wall time by default).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Literal, cast

from fsrs import Rating, State

from quizapp.bank.model import Open, Question
from quizapp.quiz.sessions import ItemKind, Mode
from quizapp.store.db import DEFAULT_BUSY_TIMEOUT_MS, transaction
from quizapp.store.errors import NewerSchemaError, NothingToUndoError, StoreError
from quizapp.store.item_progress import progress_from_history as progress_from_history
from quizapp.store.opening import DB_NAME, open_database
from quizapp.store.reading import SCHEDULING_MODES, Clock, StoreReader
from quizapp.store.records import (
    Attempt,
    CardState,
    JSONValue,
    RecordedAnswer,
    RecordedDrillRun,
    iso,
    to_json_value,
)
from quizapp.store.rows import (
    ATTEMPT_COLUMNS,
    CARD_COLUMNS,
    RUN_COLUMNS,
    attempt_from_row,
    card_from_row,
    run_from_row,
    write_card,
)
from quizapp.store.scheduling import (
    ReviewScheduler,
    as_utc,
    default_expected_seconds,
    expected_seconds,
    rate_answer,
    utc_now,
)

SelfRating = Literal["again", "hard", "good", "easy"]
_SELF_RATINGS: dict[str, Rating] = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}


def as_rating(value: Rating | str | int) -> Rating:
    """A rating from an fsrs `Rating`, a self-rating word ("again".."easy") or 1-4."""
    if isinstance(value, Rating):
        return value
    if isinstance(value, str):
        try:
            return _SELF_RATINGS[value.lower()]
        except KeyError:
            raise ValueError(f"unknown rating {value!r}: use again, hard, good or easy") from None
    return Rating(int(value))


class ProgressStore(StoreReader):
    """The user's progress in `<data dir>/progress.db`. Open with `ProgressStore.open`.

    Reading is `StoreReader`'s (reading.py); this class opens, writes and undoes.
    """

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        clock: Clock = utc_now,
        scheduler: ReviewScheduler | None = None,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> ProgressStore:
        """Open (create, recover or migrate) `data_dir/progress.db`.

        Never raises for a damaged or foreign file: it is moved aside and `notices` says where.
        Raises `StoreError` when the file cannot be opened at all (busy, disk full, no access).
        """
        path = Path(data_dir) / DB_NAME
        opened = open_database(path, busy_timeout_ms=busy_timeout_ms, now=as_utc(clock()))
        return cls(
            opened.conn,
            path,
            notices=opened.notices,
            read_only_reason=opened.read_only_reason,
            clock=clock,
            scheduler=scheduler,
        )

    @property
    def read_only(self) -> bool:
        """True when the database is from a newer quizapp: reads work, writes are refused."""
        return self.read_only_reason is not None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- writing -------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only_reason is not None:
            raise NewerSchemaError(self.read_only_reason)

    def record_answer(
        self,
        question: Question,
        *,
        deck: str | None,
        answer: object,
        correct: bool,
        seconds: float,
        score: float | None = None,
        language: str = "en",
        mode: Mode = "learn",
        hint_used: bool = False,
        user_rating: Rating | SelfRating | None = None,
        seed: int | None = None,
        overridden: bool = False,
        now: datetime | None = None,
    ) -> RecordedAnswer:
        """Record one answer to a bank question and update its review card (one transaction).

        Auto-graded answers are rated by `rate_answer`; an `open` question needs the user's own
        rating (`user_rating`, or the answer itself when it is a self-rating word). `seed` is the
        one that ordered the choices as shown; `overridden` marks an answer the user declared
        right after the checker said wrong.
        """
        rating: Rating | None = None
        if user_rating is not None:
            rating = as_rating(user_rating)
        elif isinstance(question, Open):
            if not (isinstance(answer, str) and answer.lower() in _SELF_RATINGS):
                raise ValueError("an open question needs the user's rating (again/hard/good/easy)")
            rating = as_rating(answer)
        return self.record_attempt(
            question.id,
            kind="question",
            deck=deck,
            tags=question.tags,
            answer=answer,
            correct=correct,
            seconds=seconds,
            expected=expected_seconds(question),
            score=score,
            language=language,
            mode=mode,
            hint_used=hint_used,
            rating=rating,
            seed=seed,
            overridden=overridden,
            now=now,
        )

    def record_attempt(
        self,
        item_id: str,
        *,
        kind: ItemKind,
        deck: str | None,
        tags: Iterable[str] = (),
        answer: object = None,
        correct: bool,
        seconds: float,
        expected: float,
        score: float | None = None,
        language: str = "en",
        mode: Mode = "learn",
        hint_used: bool = False,
        rating: Rating | None = None,
        seed: int | None = None,
        overridden: bool = False,
        now: datetime | None = None,
    ) -> RecordedAnswer:
        """Record an attempt on any item (question or drill); `record_answer` is the usual door.

        `rating` overrides the rating rule (self-rated items). In `cram` mode the attempt is
        saved with the rating it would have had, and the card is left as it was.
        """
        self._writable()
        with self._lock, transaction(self._conn, self.path) as conn:
            return self._record(
                conn,
                item_id,
                kind=kind,
                deck=deck,
                tags=tuple(tags),
                answer=to_json_value(answer),
                correct=correct,
                seconds=seconds,
                expected=expected,
                score=score,
                language=language,
                mode=mode,
                hint_used=hint_used,
                rating=rating,
                moment=self.now(now),
                seed=seed,
                overridden=overridden,
            )

    def _record(
        self,
        conn: sqlite3.Connection,
        item_id: str,
        *,
        kind: ItemKind,
        deck: str | None,
        tags: tuple[str, ...],
        answer: JSONValue,
        correct: bool,
        seconds: float,
        expected: float,
        score: float | None,
        language: str,
        mode: Mode,
        hint_used: bool,
        rating: Rating | None,
        moment: datetime,
        seed: int | None = None,
        overridden: bool = False,
    ) -> RecordedAnswer:
        """The attempt, its card history and the card update, inside the caller's transaction."""
        if mode not in ("review", "learn", "cram", "mock"):
            raise ValueError(f"unknown mode {mode!r}")
        before = self._card_row(conn, item_id)
        card_before = card_from_row(before) if before is not None else None
        if rating is None:
            rating = rate_answer(
                correct=correct,
                seconds=seconds,
                expected=expected,
                hint_used=hint_used,
                card=card_before.card if card_before else None,
            )
        attempt_id = self._insert_attempt(
            conn,
            item_id=item_id,
            kind=kind,
            deck=deck,
            tags=tags,
            answer=answer,
            correct=correct,
            score=score,
            seconds=seconds,
            answered_at=moment,
            language=language,
            mode=mode,
            rating=int(rating),
            hint_used=hint_used,
            state_before=int(card_before.state) if card_before else None,
            seed=seed,
            overridden=overridden,
        )
        card_after: CardState | None = card_before
        scheduled = mode in SCHEDULING_MODES
        if scheduled:
            card_after = self._review(conn, item_id, kind, card_before, rating, moment, seconds)
            conn.execute(
                "INSERT INTO card_history (attempt_id, item_id, card_before) VALUES (?, ?, ?)",
                (attempt_id, item_id, json.dumps(dict(before)) if before else None),
            )
        return RecordedAnswer(self._attempt(conn, attempt_id), int(rating), scheduled, card_after)

    def record_drill_run(
        self,
        drill_id: str,
        *,
        code_hash: str,
        passed: bool,
        duration: float,
        failed_checks: Sequence[str] = (),
        diagnosis_ids: Sequence[str] = (),
        review: bool = False,
        seconds: float | None = None,
        expected: float | None = None,
        hint_used: bool = False,
        mode: Mode = "learn",
        deck: str | None = "drills",
        tags: Iterable[str] = (),
        language: str = "en",
        now: datetime | None = None,
    ) -> RecordedDrillRun:
        """Record one grader run; with `review=True` it also counts as an attempt on the drill.

        Every run is kept (the workspace saves the code on each). Only the run that ends a
        sitting should pass `review=True` (the first passing run, or the last one when the user
        gives up), so iterating on a solution is one review, not many. `seconds` is the time
        spent in the sitting (default: `duration`); `expected` defaults by difficulty 3 drill.
        """
        self._writable()
        moment = self.now(now)
        with self._lock, transaction(self._conn, self.path) as conn:
            answer: RecordedAnswer | None = None
            if review:
                answer = self._record(
                    conn,
                    drill_id,
                    kind="drill",
                    deck=deck,
                    tags=tuple(tags),
                    answer={"code_hash": code_hash},
                    correct=passed,
                    score=1.0 if passed else 0.0,
                    seconds=seconds if seconds is not None else duration,
                    expected=expected or default_expected_seconds("drill", 3),
                    language=language,
                    mode=mode,
                    hint_used=hint_used,
                    rating=None,
                    moment=moment,
                )
            cursor = conn.execute(
                "INSERT INTO drill_runs (uid, drill_id, attempt_id, code_hash, passed, "
                "failed_checks, diagnosis_ids, duration, ran_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uuid.uuid4().hex,
                    drill_id,
                    answer.attempt.id if answer else None,
                    code_hash,
                    int(passed),
                    json.dumps(list(failed_checks)),
                    json.dumps(list(diagnosis_ids)),
                    float(duration),
                    iso(moment),
                ),
            )
            run_id = int(cast(int, cursor.lastrowid))
            run = conn.execute(f"SELECT {RUN_COLUMNS} FROM drill_runs WHERE id = ?", (run_id,))
            run.row_factory = sqlite3.Row
            return RecordedDrillRun(run_from_row(run.fetchone()), answer)

    def undo_last(self) -> Attempt:
        """Remove the latest attempt and put its card back exactly as it was before it.

        The drill run that counted as the attempt goes too. Raises `NothingToUndoError` when
        there is no attempt.
        """
        self._writable()
        with self._lock, transaction(self._conn, self.path) as conn:
            row = conn.execute(
                f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id > ? ORDER BY id DESC LIMIT 1",
                (self._undo_floor(conn),),
            )
            row.row_factory = sqlite3.Row
            found = row.fetchone()
            if found is None:
                raise NothingToUndoError("nothing to undo: no answer has been recorded")
            attempt = attempt_from_row(found)
            history = conn.execute(
                "SELECT card_before FROM card_history WHERE attempt_id = ?", (attempt.id,)
            ).fetchone()
            if history is not None:
                conn.execute("DELETE FROM cards WHERE item_id = ?", (attempt.item_id,))
                if history[0] is not None:
                    saved = json.loads(history[0])
                    conn.execute(
                        f"INSERT INTO cards ({CARD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        tuple(saved[c] for c in CARD_COLUMNS.split(", ")),
                    )
            conn.execute("DELETE FROM drill_runs WHERE attempt_id = ?", (attempt.id,))
            conn.execute("DELETE FROM attempts WHERE id = ?", (attempt.id,))
        return attempt

    def set_setting(self, key: str, value: JSONValue) -> None:
        """Save a setting (any JSON value) in the store."""
        self._writable()
        with self._lock, transaction(self._conn, self.path) as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def set_settings(self, values: dict[str, JSONValue]) -> None:
        """Save several settings together (one transaction); a None value removes the key."""
        self._writable()
        with self._lock, transaction(self._conn, self.path) as conn:
            for key, value in values.items():
                if value is None:
                    conn.execute("DELETE FROM settings WHERE key = ?", (key,))
                    continue
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, json.dumps(value)),
                )

    # ---- internals -----------------------------------------------------------------------

    @staticmethod
    def _card_row(conn: sqlite3.Connection, item_id: str) -> sqlite3.Row | None:
        cursor = conn.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE item_id = ?", (item_id,))
        cursor.row_factory = sqlite3.Row
        row: sqlite3.Row | None = cursor.fetchone()
        return row

    def _review(
        self,
        conn: sqlite3.Connection,
        item_id: str,
        kind: ItemKind,
        before: CardState | None,
        rating: Rating,
        moment: datetime,
        seconds: float,
    ) -> CardState:
        card = before.card if before else self.scheduler.new_card(item_id, moment)
        review = self.scheduler.review(card, rating, moment, seconds)
        lapsed = review.lapsed and card.state == State.Review
        after = CardState(
            item_id=item_id,
            kind=before.kind if before else kind,
            card=review.card,
            reps=(before.reps if before else 0) + 1,
            lapses=(before.lapses if before else 0) + int(lapsed),
            updated_at=moment,
        )
        write_card(
            conn,
            item_id,
            after.kind,
            after.card,
            reps=after.reps,
            lapses=after.lapses,
            updated_at=moment,
        )
        return after

    @staticmethod
    def _insert_attempt(
        conn: sqlite3.Connection,
        *,
        item_id: str,
        kind: ItemKind,
        deck: str | None,
        tags: tuple[str, ...],
        answer: JSONValue,
        correct: bool,
        score: float | None,
        seconds: float,
        answered_at: datetime,
        language: str,
        mode: Mode,
        rating: int,
        hint_used: bool,
        state_before: int | None,
        seed: int | None,
        overridden: bool,
    ) -> int:
        cursor = conn.execute(
            "INSERT INTO attempts (uid, item_id, kind, deck, tags, answer, correct, score, "
            "seconds, answered_at, language, mode, rating, hint_used, state_before, seed, "
            "overridden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uuid.uuid4().hex,
                item_id,
                kind,
                deck,
                json.dumps(list(tags)),
                json.dumps(answer),
                int(correct),
                score,
                max(float(seconds), 0.0),
                iso(answered_at),
                language,
                mode,
                rating,
                int(hint_used),
                state_before,
                seed,
                int(overridden),
            ),
        )
        return int(cast(int, cursor.lastrowid))

    @staticmethod
    def _attempt(conn: sqlite3.Connection, attempt_id: int) -> Attempt:
        cursor = conn.execute(f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,))
        cursor.row_factory = sqlite3.Row
        row = cursor.fetchone()
        if row is None:  # pragma: no cover - inserted in the same transaction
            raise StoreError(f"attempt {attempt_id} vanished")
        return attempt_from_row(row)
