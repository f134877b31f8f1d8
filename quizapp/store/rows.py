"""Store rows and records: the column lists, one converter per table, and the card writer."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import cast

from fsrs import Card

from quizapp.quiz.sessions import ItemKind, Mode
from quizapp.store.records import Attempt, CardState, DrillRun, JSONValue, iso, parse_iso
from quizapp.store.scheduling import as_utc

ATTEMPT_COLUMNS = (
    "id, uid, item_id, kind, deck, tags, answer, correct, score, seconds, answered_at, "
    "language, mode, rating, hint_used, state_before, seed, overridden"
)
RUN_COLUMNS = (
    "id, uid, drill_id, attempt_id, code_hash, passed, failed_checks, diagnosis_ids, "
    "duration, ran_at"
)
CARD_COLUMNS = "item_id, kind, card, due, state, stability, reps, lapses, updated_at"


def attempt_from_row(row: sqlite3.Row) -> Attempt:
    return Attempt(
        id=int(row["id"]),
        uid=str(row["uid"]),
        item_id=str(row["item_id"]),
        kind=cast(ItemKind, row["kind"]),
        deck=row["deck"],
        tags=tuple(json.loads(row["tags"])),
        answer=cast(JSONValue, json.loads(row["answer"])) if row["answer"] is not None else None,
        correct=bool(row["correct"]),
        score=row["score"],
        seconds=float(row["seconds"]),
        answered_at=parse_iso(row["answered_at"]),
        language=str(row["language"]),
        mode=cast(Mode, row["mode"]),
        rating=row["rating"],
        hint_used=bool(row["hint_used"]),
        state_before=row["state_before"],
        seed=row["seed"],
        overridden=bool(row["overridden"]),
    )


def run_from_row(row: sqlite3.Row) -> DrillRun:
    return DrillRun(
        id=int(row["id"]),
        uid=str(row["uid"]),
        drill_id=str(row["drill_id"]),
        attempt_id=row["attempt_id"],
        code_hash=str(row["code_hash"]),
        passed=bool(row["passed"]),
        failed_checks=tuple(json.loads(row["failed_checks"])),
        diagnosis_ids=tuple(json.loads(row["diagnosis_ids"])),
        duration=float(row["duration"]),
        ran_at=parse_iso(row["ran_at"]),
    )


def card_from_row(row: sqlite3.Row) -> CardState:
    card = Card.from_json(row["card"])
    card.due = as_utc(card.due)
    if card.last_review is not None:
        card.last_review = as_utc(card.last_review)
    return CardState(
        item_id=str(row["item_id"]),
        kind=cast(ItemKind, row["kind"]),
        card=card,
        reps=int(row["reps"]),
        lapses=int(row["lapses"]),
        updated_at=parse_iso(row["updated_at"]),
    )


def write_card(
    conn: sqlite3.Connection,
    item_id: str,
    kind: str,
    card: Card,
    *,
    reps: int,
    lapses: int,
    updated_at: datetime,
) -> None:
    """Insert or replace one item's card row (every column is written)."""
    conn.execute(
        f"INSERT INTO cards ({CARD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind, card = excluded.card, "
        "due = excluded.due, state = excluded.state, stability = excluded.stability, "
        "reps = excluded.reps, lapses = excluded.lapses, updated_at = excluded.updated_at",
        (
            item_id,
            kind,
            card.to_json(),
            iso(card.due),
            int(card.state),
            card.stability,
            reps,
            lapses,
            iso(updated_at),
        ),
    )
