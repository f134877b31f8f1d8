"""Merging a history exported elsewhere (`export --format json`) into this store.

- Idempotent: attempts and drill runs are matched on their `uid`, so a file merged twice (or
  this store's own export) adds nothing the second time.
- Card states are recomputed, never copied: every item that gains an attempt has its card
  replayed from all its scheduling attempts in time order (the stored rating at the stored
  moment, exactly as `record_answer` applied it), so the merged card is what one machine would
  have computed had it seen every answer. A card in the file for an item without any attempt
  is taken only if it is newer than ours.
- Settings from the file fill in keys this store lacks; ours win.
- Refused with `ImportRefusedError` (nothing written): not a quizapp export, a newer schema, or
  malformed records. The merge is one transaction.
- Undo does not reach across a merge: merged attempts are history, not the last answer given
  here (`UNDO_FLOOR` marks the highest attempt id undo may not remove).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from fsrs import Card, Rating, State

from quizapp.store.db import transaction
from quizapp.store.errors import StoreError
from quizapp.store.export import EXPORT_FORMAT
from quizapp.store.progress import ProgressStore
from quizapp.store.reading import SCHEDULING_MODES, UNDO_FLOOR
from quizapp.store.records import iso, parse_iso
from quizapp.store.rows import write_card
from quizapp.store.schema import SCHEMA_VERSION

_MODES = ("review", "learn", "cram", "mock")
_KINDS = ("question", "drill")


class ImportRefusedError(StoreError):
    """The file cannot be merged; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What a merge added (0 and 0 when everything was there already)."""

    attempts_added: int
    attempts_skipped: int
    drill_runs_added: int
    drill_runs_skipped: int
    cards_recomputed: int
    settings_added: int


def _field(record: Mapping[str, Any], key: str, kinds: type | tuple[type, ...], where: str) -> Any:
    value = record.get(key)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
        raise ImportRefusedError(f"{where}: `{key}` is missing or has the wrong type")
    return value


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


# Bounds on what an export may hold: a real history is far inside them, a hostile file is not.
MAX_EXPORT_BYTES = 256 * 1024 * 1024
MAX_TEXT = 1_000  # ids, decks, languages, tags
MAX_ANSWER_CHARS = 100_000
MAX_SECONDS = 7 * 24 * 3600.0
YEARS = range(1970, 2101)


def parse_export(raw: bytes) -> object:
    """The JSON of an export file, or `ImportRefusedError` saying why it cannot be one."""
    if len(raw) > MAX_EXPORT_BYTES:
        raise ImportRefusedError(
            f"the file is {len(raw) / 1e6:,.0f} MB; an export is at most "
            f"{MAX_EXPORT_BYTES // 1024 // 1024} MB"
        )

    def no_constant(name: str) -> object:
        raise ImportRefusedError(f"it holds {name}, which no quizapp export contains")

    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=no_constant)
    except RecursionError:
        raise ImportRefusedError("it is nested far deeper than any quizapp export") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefusedError(
            f"it is not JSON ({exc}); expected a file from `quizapp export --format json`"
        ) from None


def _text(record: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> Any:
    value = record.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise ImportRefusedError(f"{where}: `{key}` must be text of 1 to {MAX_TEXT:,} characters")
    return value


def _moment(record: Mapping[str, Any], key: str, where: str) -> str:
    try:
        moment = parse_iso(_field(record, key, str, where))
    except (ValueError, OverflowError):
        raise ImportRefusedError(f"{where}: `{key}` is not an ISO timestamp") from None
    if moment.year not in YEARS:
        raise ImportRefusedError(f"{where}: `{key}` is in the year {moment.year}")
    return iso(moment)


def _amount(record: Mapping[str, Any], key: str, where: str, high: float) -> float:
    value = float(_field(record, key, (int, float), where))
    if not math.isfinite(value) or not 0 <= value <= high:
        raise ImportRefusedError(f"{where}: `{key}` must be a number from 0 to {high:g}")
    return value


def check_export(doc: object) -> dict[str, Any]:
    """The document, if it is a quizapp progress export this version can read."""
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise ImportRefusedError(
            "this is not a quizapp progress export (made with `quizapp export --format json`)"
        )
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportRefusedError("the export has no valid `schema_version`; it is not ours")
    if version > SCHEMA_VERSION:
        raise ImportRefusedError(
            f"the export comes from a newer quizapp (schema version {version}; this one reads "
            f"up to {SCHEMA_VERSION}): update quizapp on this machine, then import again"
        )
    for key in ("attempts", "drill_runs", "cards"):
        if not isinstance(doc.get(key, []), list):
            raise ImportRefusedError(f"`{key}` must be a list")
    if not isinstance(doc.get("settings", {}), dict):
        raise ImportRefusedError("`settings` must be a mapping")
    return doc


def _attempt_row(a: object, n: int) -> tuple[Any, ...]:
    where = f"attempt {n + 1}"
    if not isinstance(a, dict):
        raise ImportRefusedError(f"{where} is not a record")
    kind = _field(a, "kind", str, where)
    mode = _field(a, "mode", str, where)
    if kind not in _KINDS or mode not in _MODES:
        raise ImportRefusedError(f"{where}: unknown kind {kind!r} or mode {mode!r}")
    rating = a.get("rating")
    if rating is not None and (isinstance(rating, bool) or rating not in (1, 2, 3, 4)):
        raise ImportRefusedError(f"{where}: `rating` must be 1-4 or null")
    state_before = a.get("state_before")
    if state_before is not None and (
        isinstance(state_before, bool) or not isinstance(state_before, int)
    ):
        raise ImportRefusedError(f"{where}: `state_before` must be a number or null")
    answered_at = _moment(a, "answered_at", where)
    seconds = _amount(a, "seconds", where, MAX_SECONDS)
    tags = a.get("tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > 100
        or not all(isinstance(t, str) and len(t) <= MAX_TEXT for t in tags)
    ):
        raise ImportRefusedError(f"{where}: `tags` must be a list of at most 100 short strings")
    deck = _text(a, "deck", where, optional=True)
    score = a.get("score")
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1
    ):
        raise ImportRefusedError(f"{where}: `score` must be a number from 0 to 1 or null")
    answer = json.dumps(a.get("answer"))
    if len(answer) > MAX_ANSWER_CHARS:
        raise ImportRefusedError(f"{where}: `answer` is {len(answer):,} characters long")
    _text(a, "language", where, optional=True)
    seed = a.get("seed")  # absent in exports from before choices were shuffled
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63
    ):
        raise ImportRefusedError(f"{where}: `seed` must be a whole number from 0 or null")
    return (
        _text(a, "uid", where),
        _text(a, "item_id", where),
        kind,
        deck,
        json.dumps(tags),
        answer,
        int(_field(a, "correct", bool, where)),
        float(score) if score is not None else None,
        seconds,
        answered_at,
        str(a.get("language") or "en"),
        mode,
        rating,
        int(bool(a.get("hint_used", False))),
        state_before,
        seed,
        int(bool(a.get("overridden", False))),
    )


def merge_export(store: ProgressStore, doc: object) -> MergeResult:
    """Merge an export document into `store` in one transaction (see the module docstring)."""
    data = check_export(doc)
    attempts = [_attempt_row(a, n) for n, a in enumerate(data.get("attempts", []))]
    runs = [r for r in data.get("drill_runs", []) if isinstance(r, dict)]
    file_ids = {a.get("id"): a.get("uid") for a in data.get("attempts", []) if isinstance(a, dict)}
    store._writable()
    with store._lock, transaction(store._conn, store.path) as conn:
        added_attempts, touched = 0, set()
        for row in sorted(attempts, key=lambda r: (r[9], r[0])):
            cursor = conn.execute(
                "INSERT OR IGNORE INTO attempts (uid, item_id, kind, deck, tags, answer, correct, "
                "score, seconds, answered_at, language, mode, rating, hint_used, state_before, "
                "seed, overridden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            if cursor.rowcount:
                added_attempts += 1
                touched.add(row[1])
        added_runs = 0
        for n, r in enumerate(runs):
            added_runs += _merge_run(conn, r, n, file_ids)
        recomputed = 0
        for item_id in sorted(touched):
            recomputed += _replay(store, conn, item_id)
        _merge_file_cards(conn, data.get("cards", []), touched)
        settings_added = 0
        for key, value in cast(dict[str, Any], data.get("settings", {})).items():
            if key == UNDO_FLOOR:
                continue
            cursor = conn.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                (key, json.dumps(value)),
            )
            settings_added += cursor.rowcount
        if added_attempts:
            top = conn.execute("SELECT MAX(id) FROM attempts").fetchone()[0]
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (UNDO_FLOOR, json.dumps(int(top))),
            )
    return MergeResult(
        attempts_added=added_attempts,
        attempts_skipped=len(attempts) - added_attempts,
        drill_runs_added=added_runs,
        drill_runs_skipped=len(runs) - added_runs,
        cards_recomputed=recomputed,
        settings_added=settings_added,
    )


def _merge_run(
    conn: sqlite3.Connection, r: Mapping[str, Any], n: int, file_ids: Mapping[Any, Any]
) -> int:
    where = f"drill run {n + 1}"
    uid = _text(r, "uid", where)
    attempt_id = None
    attempt_uid = file_ids.get(r.get("attempt_id")) if r.get("attempt_id") is not None else None
    if attempt_uid is not None:
        found = conn.execute("SELECT id FROM attempts WHERE uid = ?", (attempt_uid,)).fetchone()
        attempt_id = found[0] if found else None
    ran_at = _moment(r, "ran_at", where)
    cursor = conn.execute(
        "INSERT OR IGNORE INTO drill_runs (uid, drill_id, attempt_id, code_hash, passed, "
        "failed_checks, diagnosis_ids, duration, ran_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uid,
            _text(r, "drill_id", where),
            attempt_id,
            str(r.get("code_hash") or ""),
            int(_field(r, "passed", bool, where)),
            json.dumps(list(r.get("failed_checks") or [])),
            json.dumps(list(r.get("diagnosis_ids") or [])),
            _amount(r, "duration", where, MAX_SECONDS),
            ran_at,
        ),
    )
    return int(cursor.rowcount)


def _replay(store: ProgressStore, conn: sqlite3.Connection, item_id: str) -> int:
    """Recompute an item's card from all its scheduling attempts, oldest first (0: none)."""
    rows = conn.execute(
        "SELECT id, kind, correct, seconds, answered_at, mode, rating FROM attempts "
        "WHERE item_id = ? ORDER BY answered_at, id",
        (item_id,),
    ).fetchall()
    card: Card | None = None
    kind = "question"
    reps = lapses = 0
    moment: datetime | None = None
    history: list[tuple[int, str | None]] = []
    for attempt_id, kind, correct, seconds, answered_at, mode, rating in rows:
        if mode not in SCHEDULING_MODES:
            continue
        moment = parse_iso(answered_at)
        before = _card_json(item_id, kind, card, reps, lapses, moment) if card else None
        history.append((attempt_id, before))
        if card is None:
            card = store.scheduler.new_card(item_id, moment)
        value = Rating(rating) if rating is not None else (Rating.Good if correct else Rating.Again)
        lapsed = value == Rating.Again and card.state == State.Review
        card = store.scheduler.review(card, value, moment, seconds).card
        reps += 1
        lapses += int(lapsed)
    if card is None or moment is None:
        return 0
    write_card(conn, item_id, kind, card, reps=reps, lapses=lapses, updated_at=moment)
    # Keep each attempt's card-before consistent with the replayed order.
    for attempt_id, before in history:
        conn.execute(
            "INSERT INTO card_history (attempt_id, item_id, card_before) VALUES (?, ?, ?) "
            "ON CONFLICT (attempt_id) DO UPDATE SET card_before = excluded.card_before",
            (attempt_id, item_id, before),
        )
    return 1


def _card_json(
    item_id: str, kind: str, card: Card, reps: int, lapses: int, updated_at: datetime
) -> str:
    """A `cards` row as `card_history` keeps it (the columns by name)."""
    return json.dumps(
        {
            "item_id": item_id,
            "kind": kind,
            "card": card.to_json(),
            "due": iso(card.due),
            "state": int(card.state),
            "stability": card.stability,
            "reps": reps,
            "lapses": lapses,
            "updated_at": iso(updated_at),
        }
    )


def _merge_file_cards(conn: sqlite3.Connection, cards: object, touched: set[str]) -> None:
    """Cards in the file for items with no attempt anywhere: take the newer record."""
    if not isinstance(cards, list):
        return
    for c in cards:
        if not isinstance(c, dict) or not isinstance(c.get("item_id"), str):
            continue
        item_id = c["item_id"]
        if item_id in touched:
            continue
        has_attempts = conn.execute(
            "SELECT 1 FROM attempts WHERE item_id = ? LIMIT 1", (item_id,)
        ).fetchone()
        if has_attempts:
            continue
        try:
            card = Card.from_dict(c["card"])
            updated = parse_iso(c["updated_at"])
            kind = c["kind"] if c.get("kind") in _KINDS else "question"
        except (KeyError, TypeError, ValueError):
            continue
        ours = conn.execute("SELECT updated_at FROM cards WHERE item_id = ?", (item_id,)).fetchone()
        if ours is not None and parse_iso(ours[0]) >= updated:
            continue
        reps, lapses = int(c.get("reps") or 0), int(c.get("lapses") or 0)
        write_card(conn, item_id, kind, card, reps=reps, lapses=lapses, updated_at=updated)
