"""Schema migrations: every earlier version reaches the current one, with data kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from quizapp.store.opening import DB_NAME
from quizapp.store.progress import ProgressStore
from quizapp.store.schema import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    apply_migration,
    read_version,
)


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()
        return [(str(n), " ".join(str(s).split())) for n, s in rows]
    finally:
        conn.close()


def _build_at(path: Path, version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for v in range(version):
            conn.execute("BEGIN IMMEDIATE")
            apply_migration(conn, v)
            conn.execute("COMMIT")
    finally:
        conn.close()


def test_fresh_store_is_at_current_version(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        assert not store.read_only
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert read_version(conn) == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_migrates_from_every_earlier_version(tmp_path: Path, start: int) -> None:
    fresh = tmp_path / "fresh"
    with ProgressStore.open(fresh):
        pass
    old = tmp_path / "old"
    old.mkdir()
    _build_at(old / DB_NAME, start)
    with ProgressStore.open(old) as store:
        assert store.notices == []  # a migration is not a fault: nothing moved aside
    assert _schema(old / DB_NAME) == _schema(fresh / DB_NAME)
    assert not list(old.glob("*.bak"))


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION + 1))
def test_migration_keeps_recorded_attempts(tmp_path: Path, start: int) -> None:
    _build_at(tmp_path / DB_NAME, start)
    conn = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    conn.execute(
        "INSERT INTO attempts (uid, item_id, kind, correct, seconds, answered_at, mode) "
        "VALUES ('u1', 'q', 'question', 1, 3.0, '2025-01-01T00:00:00.000000+00:00', 'learn')"
    )
    conn.close()
    with ProgressStore.open(tmp_path) as store:
        assert [a.uid for a in store.attempts()] == ["u1"]


def test_migrations_are_a_list_one_step_each() -> None:
    assert len(MIGRATIONS) == SCHEMA_VERSION >= 1


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path):
        pass
    before = _schema(tmp_path / DB_NAME)
    with ProgressStore.open(tmp_path):
        pass
    assert _schema(tmp_path / DB_NAME) == before
