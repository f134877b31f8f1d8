"""`StoreReader`: every query of the progress store (cards, attempts, runs, settings, progress).

`ProgressStore` (progress.py) adds opening, recording and undo on top. Reads take the store's
lock like writes do, so a TUI worker thread and the UI thread can share one connection.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from fsrs import Rating, State

from quizapp.quiz.sessions import RECENT_VERDICTS, ItemProgress
from quizapp.store.db import translate
from quizapp.store.item_progress import Tally, merge_progress
from quizapp.store.opening import StoreNotice
from quizapp.store.records import (
    Attempt,
    CardState,
    DrillRun,
    DueCard,
    History,
    JSONValue,
    iso,
    parse_iso,
)
from quizapp.store.rows import (
    ATTEMPT_COLUMNS,
    CARD_COLUMNS,
    RUN_COLUMNS,
    attempt_from_row,
    card_from_row,
    run_from_row,
)
from quizapp.store.scheduling import ReviewScheduler, as_utc, utc_now

Clock = Callable[[], datetime]
# Modes whose answers move the FSRS card; `cram` only records.
SCHEDULING_MODES: frozenset[str] = frozenset({"review", "learn", "mock"})
# Setting: the highest attempt id that undo may not remove (set by `import-progress`, so undo
# never reaches into a merged history).
UNDO_FLOOR = "undo_floor"


class StoreReader:
    """Queries over an open progress database."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        notices: Sequence[StoreNotice] = (),
        read_only_reason: str | None = None,
        clock: Clock = utc_now,
        scheduler: ReviewScheduler | None = None,
    ) -> None:
        self._conn = conn
        self.path = path
        self.notices: list[StoreNotice] = list(notices)
        self.read_only_reason = read_only_reason
        self._clock = clock
        self.scheduler = scheduler or ReviewScheduler()
        self._lock = threading.RLock()

    def now(self, now: datetime | None = None) -> datetime:
        """`now` in UTC, or the store's clock."""
        return as_utc(now if now is not None else self._clock())

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            cursor = self._conn.execute(sql, tuple(params))
            cursor.row_factory = sqlite3.Row
            return list(cursor.fetchall())
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    # ---- reading -------------------------------------------------------------------------

    def get_setting(self, key: str, default: JSONValue = None) -> JSONValue:
        """A saved setting, or `default`."""
        with self._lock:
            rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return cast(JSONValue, json.loads(rows[0]["value"])) if rows else default

    def settings(self) -> dict[str, JSONValue]:
        with self._lock:
            rows = self._query("SELECT key, value FROM settings ORDER BY key")
        return {str(r["key"]): json.loads(r["value"]) for r in rows}

    def card(self, item_id: str) -> CardState | None:
        """The item's review card, or None if it was never scheduled."""
        with self._lock:
            rows = self._query(f"SELECT {CARD_COLUMNS} FROM cards WHERE item_id = ?", (item_id,))
        return card_from_row(rows[0]) if rows else None

    def cards(self) -> list[CardState]:
        """Every review card, by item id."""
        with self._lock:
            rows = self._query(f"SELECT {CARD_COLUMNS} FROM cards ORDER BY item_id")
        return [card_from_row(r) for r in rows]

    def due_cards(
        self, now: datetime | None = None, *, within: timedelta = timedelta(0)
    ) -> list[DueCard]:
        """Cards due by `now + within`: lowest retrievability first, then most overdue."""
        moment = self.now(now)
        with self._lock:
            rows = self._query(
                f"SELECT {CARD_COLUMNS} FROM cards WHERE due <= ? ORDER BY due, item_id",
                (iso(moment + within),),
            )
        due = [
            DueCard(c.item_id, c.kind, c.due, self.scheduler.retrievability(c.card, moment))
            for c in map(card_from_row, rows)
        ]
        due.sort(key=lambda d: (d.retrievability, d.due, d.item_id))
        return due

    def attempts(self, item_id: str | None = None) -> list[Attempt]:
        """Attempts, oldest first (of one item when `item_id` is given)."""
        where, params = ("WHERE item_id = ?", (item_id,)) if item_id else ("", ())
        with self._lock:
            rows = self._query(
                f"SELECT {ATTEMPT_COLUMNS} FROM attempts {where} ORDER BY id", params
            )
        return [attempt_from_row(r) for r in rows]

    def last_attempt(self) -> Attempt | None:
        """The attempt `undo_last` would remove."""
        with self._lock:
            rows = self._query(
                f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id > ? ORDER BY id DESC LIMIT 1",
                (self._undo_floor(self._conn),),
            )
        return attempt_from_row(rows[0]) if rows else None

    def studied_since(self, since: datetime) -> tuple[set[str], set[str]]:
        """Items answered (cram aside) from `since` on: those first met then, and the others.

        The plan counts both as today's part done, so "today" counts down as the user works.
        """
        marks = ", ".join("?" * len(SCHEDULING_MODES))
        modes = sorted(SCHEDULING_MODES)
        with self._lock:
            rows = self._query(
                f"SELECT item_id, MIN(answered_at) >= ? FROM attempts WHERE mode IN ({marks}) "
                "GROUP BY item_id HAVING MAX(answered_at) >= ?",
                (iso(since), *modes, iso(since)),
            )
        started = {str(r[0]) for r in rows if r[1]}
        return started, {str(r[0]) for r in rows} - started

    def drill_runs(self, drill_id: str | None = None) -> list[DrillRun]:
        """Drill runs, oldest first (of one drill when `drill_id` is given)."""
        where, params = ("WHERE drill_id = ?", (drill_id,)) if drill_id else ("", ())
        with self._lock:
            rows = self._query(f"SELECT {RUN_COLUMNS} FROM drill_runs {where} ORDER BY id", params)
        return [run_from_row(r) for r in rows]

    def mastered(self) -> set[str]:
        """Ids of the mastered items, by `report.mastered_items`' rule, computed in SQL.

        Home shows mastery after every session; this reads no attempt rows into Python.
        """
        modes = sorted(SCHEDULING_MODES)
        marks = ", ".join("?" * len(modes))
        with self._lock:
            rows = self._query(
                "SELECT item_id FROM cards c WHERE state = ? AND EXISTS (SELECT 1 FROM attempts a "
                f"WHERE a.item_id = c.item_id AND a.mode IN ({marks}) AND a.state_before = ? "
                "AND a.rating >= ?)",
                (int(State.Review), *modes, int(State.Review), int(Rating.Hard)),
            )
        return {str(r["item_id"]) for r in rows}

    def history(self) -> History:
        """A consistent snapshot of everything (read in one transaction)."""
        with self._lock:
            try:
                self._conn.execute("BEGIN")
                try:
                    attempts = self.attempts()
                    runs = self.drill_runs()
                    cards = self.cards()
                    settings = self.settings()
                finally:
                    self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from exc
        return History(tuple(attempts), tuple(runs), tuple(cards), settings)

    def progress(self, now: datetime | None = None) -> dict[str, ItemProgress]:
        """Every item with an attempt or a card, as session building wants it, as of `now`.

        Computed in SQL (counts, the latest verdicts) so it stays fast on a long history.
        """
        moment = self.now(now)
        with self._lock:
            counts = self._query(
                "SELECT item_id, COUNT(*) AS n, SUM(correct) AS right, MAX(answered_at) AS last "
                "FROM attempts GROUP BY item_id"
            )
            recent_rows = self._query(
                "SELECT item_id, correct FROM (SELECT item_id, correct, id, ROW_NUMBER() OVER "
                "(PARTITION BY item_id ORDER BY id DESC) AS k FROM attempts) "
                f"WHERE k <= {RECENT_VERDICTS} ORDER BY item_id, id"
            )
            card_rows = self._query(f"SELECT {CARD_COLUMNS} FROM cards")
        recent: dict[str, list[bool]] = {}
        for r in recent_rows:
            recent.setdefault(str(r["item_id"]), []).append(bool(r["correct"]))
        stats = {
            str(r["item_id"]): Tally(int(r["n"]), int(r["right"]), parse_iso(r["last"]))
            for r in counts
        }
        cards = {c.item_id: c for c in map(card_from_row, card_rows)}
        return merge_progress(stats, recent, cards, self.scheduler, moment)

    @staticmethod
    def _undo_floor(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (UNDO_FLOOR,)).fetchone()
        try:
            value = json.loads(row[0]) if row else 0
        except ValueError:
            return 0
        return value if isinstance(value, int) and not isinstance(value, bool) else 0
