"""Faults: garbage and foreign files, newer schemas, locks, a full disk, kill -9, two writers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import FakeClock, true_false

from quizapp.store.errors import NewerSchemaError, StoreBusyError, StoreFullError
from quizapp.store.opening import DB_NAME
from quizapp.store.progress import ProgressStore
from quizapp.store.schema import SCHEMA_VERSION


def _record(store: ProgressStore, qid: str, *, correct: bool = True) -> None:
    store.record_answer(true_false(qid), deck="d", answer=True, correct=correct, seconds=5)


def _attempt_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "bad-header"],
)
def test_garbage_file_is_moved_aside_and_kept(
    tmp_path: Path, clock: FakeClock, content: bytes
) -> None:
    (tmp_path / DB_NAME).write_bytes(content)
    with ProgressStore.open(tmp_path, clock=clock) as store:
        assert len(store.notices) == 1
        moved = store.notices[0].moved_to
        assert moved is not None
        assert moved.name == f"{DB_NAME}.20250310T090000Z.bak"
        assert str(moved) in store.notices[0].message
        assert moved.read_bytes() == content  # kept byte for byte
        _record(store, "q1")
        assert len(store.attempts()) == 1


def test_moving_aside_twice_in_the_same_second_keeps_both(tmp_path: Path, clock: FakeClock) -> None:
    for content in (b"first garbage" * 50, b"second garbage" * 50):
        (tmp_path / DB_NAME).unlink(missing_ok=True)
        for extra in tmp_path.glob(f"{DB_NAME}-*"):
            extra.unlink()
        (tmp_path / DB_NAME).write_bytes(content)
        ProgressStore.open(tmp_path, clock=clock).close()
    backups = sorted(p.read_bytes() for p in tmp_path.glob("*.bak"))
    assert backups == sorted([b"first garbage" * 50, b"second garbage" * 50])


def test_foreign_sqlite_database_is_moved_aside(tmp_path: Path, clock: FakeClock) -> None:
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada')")
    conn.commit()
    conn.close()
    with ProgressStore.open(tmp_path, clock=clock) as store:
        [notice] = store.notices
        assert notice.moved_to is not None
        assert "another program" in notice.message
        _record(store, "q1")
    old = sqlite3.connect(notice.moved_to)
    assert old.execute("SELECT name FROM contacts").fetchall() == [("Ada",)]
    old.close()


def test_empty_file_is_simply_initialised(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"")
    with ProgressStore.open(tmp_path) as store:
        assert store.notices == []
        _record(store, "q1")


def test_newer_schema_is_read_but_never_written(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        _record(store, "q1")
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with ProgressStore.open(tmp_path) as store:
        assert store.read_only
        assert "newer quizapp" in (store.read_only_reason or "")
        assert len(store.attempts()) == 1
        with pytest.raises(NewerSchemaError, match="update"):
            _record(store, "q2")
        with pytest.raises(NewerSchemaError):
            store.set_setting("daily_new", 10)
    assert _attempt_count(tmp_path / DB_NAME) == 1
    assert not list(tmp_path.glob("*.bak"))


def test_locked_database_waits_then_gives_a_clear_error(tmp_path: Path) -> None:
    store = ProgressStore.open(tmp_path, busy_timeout_ms=300)
    _record(store, "q0")
    blocker = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    start = time.monotonic()
    with pytest.raises(StoreBusyError, match="busy"):
        _record(store, "q1")
    assert time.monotonic() - start >= 0.25  # it waited for the busy timeout
    blocker.execute("ROLLBACK")
    blocker.close()
    _record(store, "q1")  # works again once the other writer is done
    assert [a.item_id for a in store.attempts()] == ["q0", "q1"]
    store.close()


def test_lock_released_within_the_timeout_just_waits(tmp_path: Path) -> None:
    store = ProgressStore.open(tmp_path, busy_timeout_ms=3000)
    blocker = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    import threading

    threading.Timer(0.2, lambda: blocker.execute("COMMIT")).start()
    _record(store, "q1")
    assert len(store.attempts()) == 1
    blocker.close()
    store.close()


def test_full_disk_loses_nothing_recorded_before(tmp_path: Path) -> None:
    store = ProgressStore.open(tmp_path)
    page_count = store._conn.execute("PRAGMA page_count").fetchone()[0]
    # A size ceiling is how SQLite reports a full disk (SQLITE_FULL) without filling one.
    store._conn.execute(f"PRAGMA max_page_count = {page_count + 3}")
    saved = 0
    with pytest.raises(StoreFullError, match="full"):
        for n in range(10_000):
            store.record_answer(
                true_false(f"q{n}"), deck="d", answer="x" * 500, correct=True, seconds=5
            )
            saved += 1
    assert saved > 0
    assert len(store.attempts()) == saved
    assert len(store.cards()) == saved  # the failed answer left no half-written card
    store.close()
    with ProgressStore.open(tmp_path) as again:
        assert len(again.attempts()) == saved
        assert again._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


_WRITER = r"""
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from quizapp.store.progress import ProgressStore
store = ProgressStore.open(Path(sys.argv[1]))
mode = sys.argv[2]
if mode == "hang":
    for n in range(5):
        store.record_attempt(
            f"q{n}", kind="question", deck="d", correct=True, seconds=1, expected=30)
    conn = store._conn
    conn.execute("BEGIN IMMEDIATE")
    for n in range(200):
        conn.execute(
            "INSERT INTO attempts (uid, item_id, kind, correct, seconds, answered_at, mode) "
            "VALUES (?, 'x', 'question', 1, 1, '2025-01-01T00:00:00+00:00', 'learn')", (f"u{n}",))
    print("ready", flush=True)
    time.sleep(60)
else:
    prefix, count = sys.argv[3], int(sys.argv[4])
    for n in range(count):
        store.record_attempt(f"{prefix}{n}", kind="question", deck="d", correct=n % 2 == 0,
                             seconds=1, expected=30)
        print(n, flush=True)
"""


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_kill_9_in_the_middle_of_a_transaction_keeps_committed_records(tmp_path: Path) -> None:
    proc = _spawn(str(tmp_path), "hang")
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with ProgressStore.open(tmp_path) as store:
        assert store.notices == []
        assert [a.item_id for a in store.attempts()] == [f"q{n}" for n in range(5)]
        assert len(store.cards()) == 5
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        _record(store, "after")


@pytest.mark.slow
def test_kill_9_of_a_busy_writer_at_a_random_moment(tmp_path: Path) -> None:
    proc = _spawn(str(tmp_path), "loop", "w", "100000")
    assert proc.stdout is not None
    acknowledged = -1
    while acknowledged < 30:
        acknowledged = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with ProgressStore.open(tmp_path) as store:
        attempts = store.attempts()
        # Every answer whose commit returned is there, in order, and nothing is half there.
        assert len(attempts) >= acknowledged + 1
        assert [a.item_id for a in attempts] == [f"w{n}" for n in range(len(attempts))]
        assert {c.item_id for c in store.cards()} == {a.item_id for a in attempts}
        history = store._conn.execute("SELECT COUNT(*) FROM card_history").fetchone()[0]
        assert history == len(attempts)


@pytest.mark.slow
def test_two_processes_write_at_once(tmp_path: Path) -> None:
    ProgressStore.open(tmp_path).close()
    procs = [_spawn(str(tmp_path), "loop", prefix, "40") for prefix in ("a", "b")]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with ProgressStore.open(tmp_path) as store:
        ids = [a.item_id for a in store.attempts()]
    assert sorted(ids) == sorted([f"a{n}" for n in range(40)] + [f"b{n}" for n in range(40)])


@pytest.mark.slow
def test_two_processes_opening_a_new_store_at_once(tmp_path: Path) -> None:
    procs = [_spawn(str(tmp_path), "loop", prefix, "3") for prefix in ("a", "b", "c")]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert _attempt_count(tmp_path / DB_NAME) == 9
    assert not list(tmp_path.glob("*.bak"))


def test_store_uses_the_injected_clock(tmp_path: Path, clock: FakeClock) -> None:
    with ProgressStore.open(tmp_path, clock=clock) as store:
        _record(store, "q1")
        assert store.attempts()[0].answered_at == datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


@settings(max_examples=30, deadline=None)
@given(content=st.binary(min_size=1, max_size=3000), sqlite_header=st.booleans())
def test_any_damaged_file_is_kept_and_replaced(content: bytes, sqlite_header: bool) -> None:
    if sqlite_header:
        content = b"SQLite format 3\x00" + content
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        (data / DB_NAME).write_bytes(content)
        with ProgressStore.open(data) as store:
            _record(store, "q1")
            assert len(store.attempts()) == 1
            moved = [n.moved_to for n in store.notices if n.moved_to]
        # Whatever the bytes were, they are still somewhere: moved aside, or (if SQLite could
        # use them as an empty database) nothing was moved and nothing was lost.
        assert [p.read_bytes() for p in moved] in ([content], [])
