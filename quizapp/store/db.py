"""The SQLite connection: WAL, a busy timeout, foreign keys, explicit write transactions.

Every write runs inside `transaction()`, which takes the write lock up front (`BEGIN IMMEDIATE`)
so two processes queue on the busy timeout instead of failing half-way, and which turns SQLite's
low-level errors into the store's own errors with messages a user can act on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from quizapp.store.errors import StoreBusyError, StoreError, StoreFullError

DEFAULT_BUSY_TIMEOUT_MS = 5000

# Primary result codes (https://sqlite.org/rescode.html); Python exposes the extended code.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26


def primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code of `exc`, or None when the driver did not give one."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damaged(exc: sqlite3.Error) -> bool:
    """Whether `exc` says the file is not a database or is corrupt (as opposed to busy or full)."""
    if primary_code(exc) in (SQLITE_NOTADB, SQLITE_CORRUPT):
        return True
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def connect(path: Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """Open `path` in autocommit mode with WAL, a busy timeout and foreign keys on.

    Raises `sqlite3.DatabaseError` when the file is not a database, so the caller can move it
    aside; busy and full conditions are translated into `StoreError`s.
    """
    conn = sqlite3.connect(
        path,
        timeout=busy_timeout_ms / 1000,
        isolation_level=None,  # transactions are explicit, see `transaction()`
        check_same_thread=False,  # callers serialise access with the store's lock
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Reading the journal mode touches the file header: a non-database fails here.
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        # FULL syncs the WAL on every commit: one recorded answer costs a few milliseconds, and
        # a commit the user saw survives a power cut, not only a crash.
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error as exc:
        conn.close()
        if is_damaged(exc):
            raise
        raise translate(exc, path) from exc
    return conn


def translate(exc: sqlite3.Error, path: Path) -> StoreError:
    """The store error to raise for a low-level SQLite error met while using `path`."""
    code = primary_code(exc)
    text = str(exc).lower()
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return StoreBusyError(
            f"{path} is busy: another quizapp process kept it locked too long. "
            "Nothing was saved by this action; try again in a moment."
        )
    if code == SQLITE_FULL or "full" in text:
        return StoreFullError(
            f"the disk holding {path} is full: this record was not saved, earlier records are "
            "intact. Free some space and try again."
        )
    if code == SQLITE_READONLY:
        return StoreError(f"{path} is read-only: check the file's permissions. Nothing was saved.")
    if code == SQLITE_IOERR:
        return StoreError(f"could not write {path} ({exc}); nothing was saved by this action.")
    return StoreError(f"progress store error in {path}: {exc}")


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of the block's statements are saved, or none are."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        # SQLite may already have rolled back on its own (e.g. after SQLITE_FULL).
        if conn.in_transaction:
            # The transaction is gone either way; the original error is the one to report.
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise translate(exc, path) from exc
        raise
