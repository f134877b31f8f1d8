"""The database schema and its forward migrations.

`MIGRATIONS[n]` takes a database from version n to n + 1; version 0 is an empty file. Each step
runs in one transaction with the version bump, so a crash leaves the old version or the new one.
Steps only ever get appended: a released step is never edited.

Version 1 is shaped for what comes next (undo, cram, leeches, import/export merges):

- `attempts`: every answer, with `uid` (globally unique, so merging an exported history twice
  adds nothing twice), `mode` (`cram` attempts never touch FSRS state), the `rating` that was
  applied or would have been, and `state_before` (the card's FSRS state before the answer).
- `card_history`: the whole `cards` row before an attempt changed it (NULL: there was none),
  so undoing the last answer restores the card exactly.
- `drill_runs`: every grader run; `attempt_id` links the run that counted as a review.
- `cards`: one FSRS card per item id; ids stay even when the item leaves the bank.
- `settings`: JSON values by key (interview date, daily caps, leech threshold, ...).

Version 2 adds to `attempts` the `seed` that ordered a choice question's options as shown, and
`overridden` for a typed answer the user declared right ("I was right").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# "QZP1": marks a file as ours in its header, so a foreign SQLite file is never migrated.
APPLICATION_ID = 0x515A5031

Migration = Callable[[sqlite3.Connection], None]


def _v0_to_v1(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    statements = [
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        """CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            item_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('question', 'drill')),
            deck TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            answer TEXT,
            correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
            score REAL,
            seconds REAL NOT NULL CHECK (seconds >= 0),
            answered_at TEXT NOT NULL,
            language TEXT NOT NULL DEFAULT 'en',
            mode TEXT NOT NULL CHECK (mode IN ('review', 'learn', 'cram', 'mock')),
            rating INTEGER CHECK (rating BETWEEN 1 AND 4),
            hint_used INTEGER NOT NULL DEFAULT 0 CHECK (hint_used IN (0, 1)),
            state_before INTEGER
        )""",
        "CREATE INDEX attempts_item ON attempts (item_id, id)",
        "CREATE INDEX attempts_time ON attempts (answered_at)",
        """CREATE TABLE drill_runs (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            drill_id TEXT NOT NULL,
            attempt_id INTEGER REFERENCES attempts (id) ON DELETE SET NULL,
            code_hash TEXT NOT NULL,
            passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
            failed_checks TEXT NOT NULL DEFAULT '[]',
            diagnosis_ids TEXT NOT NULL DEFAULT '[]',
            duration REAL NOT NULL CHECK (duration >= 0),
            ran_at TEXT NOT NULL
        )""",
        "CREATE INDEX drill_runs_drill ON drill_runs (drill_id, id)",
        """CREATE TABLE cards (
            item_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('question', 'drill')),
            card TEXT NOT NULL,
            due TEXT NOT NULL,
            state INTEGER NOT NULL,
            stability REAL,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX cards_due ON cards (due)",
        """CREATE TABLE card_history (
            attempt_id INTEGER PRIMARY KEY REFERENCES attempts (id) ON DELETE CASCADE,
            item_id TEXT NOT NULL,
            card_before TEXT
        )""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ]
    for statement in statements:
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version (version) VALUES (0)")


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    # `seed` shuffled the choices as they were shown (NULL: not a choice question, or written
    # before shuffling); `overridden` marks a typed answer the user declared right after the
    # checker said wrong, so reports can count those apart.
    conn.execute("ALTER TABLE attempts ADD COLUMN seed INTEGER")
    conn.execute(
        "ALTER TABLE attempts ADD COLUMN overridden INTEGER NOT NULL DEFAULT 0 "
        "CHECK (overridden IN (0, 1))"
    )


MIGRATIONS: list[Migration] = [_v0_to_v1, _v1_to_v2]
SCHEMA_VERSION = len(MIGRATIONS)


def user_tables(conn: sqlite3.Connection) -> set[str]:
    """Names of the tables in the database, SQLite's internal ones left out."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {str(r[0]) for r in rows}


def read_version(conn: sqlite3.Connection) -> int | None:
    """The schema version of an (assumed ours) database: 0 when empty, None when not ours."""
    tables = user_tables(conn)
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if not tables:
        return 0 if app_id in (0, APPLICATION_ID) else None
    if app_id != APPLICATION_ID or "schema_version" not in tables:
        return None
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def apply_migration(conn: sqlite3.Connection, from_version: int) -> None:
    """Run `MIGRATIONS[from_version]` and record the new version (caller holds the transaction)."""
    MIGRATIONS[from_version](conn)
    conn.execute("UPDATE schema_version SET version = ?", (from_version + 1,))
