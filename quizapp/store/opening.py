"""Opening `progress.db` safely: recovery from damaged or foreign files, and migrations.

- A file that is not a database, is corrupt, or is another program's SQLite database is moved
  aside to `progress.db.<UTC timestamp>.bak` (with its `-wal`/`-shm` companions) and a fresh
  database is started; the caller gets a `StoreNotice` naming where the old file went.
  Nothing is ever deleted.
- A database from a newer quizapp is opened read-only in spirit: reads work, writes are refused.
- Older versions are migrated one step at a time, each step in its own transaction.

Processes of quizapp starting at once take an advisory lock on `progress.db.lock` while they
check, recover and migrate, so two of them never move the same file aside or migrate twice.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quizapp.store.db import connect, is_damaged, transaction, translate
from quizapp.store.errors import StoreError
from quizapp.store.schema import SCHEMA_VERSION, apply_migration, read_version

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's own locking still applies
    fcntl = None  # type: ignore[assignment]

DB_NAME = "progress.db"
_COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class StoreNotice:
    """Something the user should be told about their progress file (e.g. where it went)."""

    message: str
    moved_to: Path | None = None


@dataclass(slots=True)
class OpenedDatabase:
    """A ready connection, what to tell the user, and why writes are refused (if they are)."""

    conn: sqlite3.Connection
    notices: list[StoreNotice]
    read_only_reason: str | None
    version: int


@contextmanager
def _startup_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    if fcntl is None:  # pragma: no cover
        yield
        return
    with lock_path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def move_aside(path: Path, now: datetime) -> Path:
    """Rename `path` and its SQLite companions to `<name>.<timestamp>.bak`; returns the new name."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{stamp}.bak")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{stamp}-{n}.bak")
        n += 1
    path.rename(target)
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


def _check(conn: sqlite3.Connection) -> int | None:
    """The schema version, or None when the file is not ours; raises when it is damaged."""
    row = conn.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise sqlite3.DatabaseError(f"database disk image is malformed ({row[0] if row else '?'})")
    return read_version(conn)


def _folder_writable(folder: Path) -> bool:
    """Whether files can be created in `folder` (a read-only mount says no even to root)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _read_only_copy(path: Path, why: str) -> OpenedDatabase:
    """The database as an in-memory copy (migrated there if older), for a folder we cannot write.

    Reads work (stats, plan, export); every write is refused with `why`. A missing file reads
    as an empty history.
    """
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    if path.exists():
        try:
            disk = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                disk.backup(memory)
            finally:
                disk.close()
            version = _check(memory)
        except sqlite3.DatabaseError as exc:
            memory.close()
            raise StoreError(f"cannot read {path}: {exc}") from exc
        if version is None:
            memory.close()
            raise StoreError(f"{path} is not a quizapp progress file, and {why}")
    else:
        version = 0
    version = _migrate(memory, path, version)
    reason = f"{why}: progress is shown but nothing will be saved"
    return OpenedDatabase(memory, [StoreNotice(reason)], reason, version)


def open_database(path: Path, *, busy_timeout_ms: int, now: datetime) -> OpenedDatabase:
    """Open (creating, recovering or migrating as needed) the progress database at `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if path.exists():
            return _read_only_copy(path, f"the data folder {path.parent} cannot be written")
        raise StoreError(f"cannot create the data folder {path.parent}: {exc}") from exc
    if not _folder_writable(path.parent):
        return _read_only_copy(path, f"the data folder {path.parent} is read-only")
    notices: list[StoreNotice] = []
    with _startup_lock(path):
        conn: sqlite3.Connection | None = None
        version: int | None = None
        reason = ""
        try:
            conn = connect(path, busy_timeout_ms=busy_timeout_ms)
            version = _check(conn)
            reason = "it was written by another program"
        except sqlite3.DatabaseError as exc:
            if not is_damaged(exc):
                raise translate(exc, path) from exc
            reason = f"it is not a readable quizapp database ({exc})"
        if version is None:
            if conn is not None:
                conn.close()
            moved = move_aside(path, now)
            notices.append(
                StoreNotice(
                    f"Your progress file {path} could not be used because {reason}. "
                    f"It was moved to {moved} (kept, never deleted) and a fresh one was started.",
                    moved,
                )
            )
            conn = connect(path, busy_timeout_ms=busy_timeout_ms)
            version = 0
        assert conn is not None
        try:
            version = _migrate(conn, path, version)
        except BaseException:
            conn.close()
            raise
    read_only = None
    if version > SCHEMA_VERSION:
        read_only = (
            f"{path} was written by a newer quizapp (schema version {version}; this one knows "
            f"up to {SCHEMA_VERSION}). Progress is shown but nothing will be saved: update "
            "quizapp to keep recording."
        )
        notices.append(StoreNotice(read_only))
    return OpenedDatabase(conn, notices, read_only, version)


def _migrate(conn: sqlite3.Connection, path: Path, version: int) -> int:
    """Bring the database up to `SCHEMA_VERSION`, one transaction per step."""
    while version < SCHEMA_VERSION:
        with transaction(conn, path):
            # Another process may have migrated between our read and our write lock.
            current = read_version(conn)
            if current is None:
                raise StoreError(f"{path} changed while it was being opened; try again")
            if current == version:
                apply_migration(conn, version)
                current = version + 1
        version = current
    return version
