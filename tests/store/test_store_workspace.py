"""The drill workspace: created from the starter once, saved on every run, never clobbered."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from quizapp.store.workspace import Workspace, WorkspaceConflict, WorkspaceError, code_hash

STARTER = "class BatchNorm1d:\n    pass\n"


def test_open_creates_from_starter_once(tmp_path: Path) -> None:
    ws = Workspace.in_data_dir(tmp_path)
    first = ws.open("batchnorm1d", STARTER)
    assert first.created and first.path == tmp_path / "workspace" / "batchnorm1d.py"
    first.path.write_text("my work\n", encoding="utf-8")
    again = ws.open("batchnorm1d", STARTER)
    assert not again.created and again.text == "my work\n"


def test_save_on_every_run(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "mine")
    f = ws.open("rmsnorm", STARTER)
    f = ws.save("rmsnorm", "v1", base_digest=f.digest)
    f = ws.save("rmsnorm", "v2", base_digest=f.digest)
    assert ws.load("rmsnorm").text == "v2" and f.digest == code_hash("v2")
    assert not [p for p in (tmp_path / "mine").iterdir() if p.name.endswith(".tmp")]


def test_save_refuses_to_replace_changes_made_elsewhere(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    f = ws.open("layernorm", STARTER)
    f.path.write_text("edited in vim\n", encoding="utf-8")
    with pytest.raises(WorkspaceConflict, match="changed on disk"):
        ws.save("layernorm", "edited in the app\n", base_digest=f.digest)
    assert ws.load("layernorm").text == "edited in vim\n"
    ws.save("layernorm", "edited in the app\n", base_digest=f.digest, overwrite=True)
    assert ws.load("layernorm").text == "edited in the app\n"


def test_reset_needs_overwrite_when_there_is_work(tmp_path: Path) -> None:
    ws = Workspace(tmp_path)
    f = ws.open("dropout", STARTER)
    ws.reset("dropout", STARTER)  # nothing of the user's to lose
    ws.save("dropout", "work", base_digest=f.digest)
    with pytest.raises(WorkspaceConflict):
        ws.reset("dropout", STARTER)
    assert ws.load("dropout").text == "work"
    assert ws.reset("dropout", STARTER, overwrite=True).text == STARTER


@pytest.mark.parametrize("bad", ["../escape", "a/b", "", ".hidden", "x" * 200])
def test_drill_ids_cannot_escape_the_folder(tmp_path: Path, bad: str) -> None:
    with pytest.raises(WorkspaceError):
        Workspace(tmp_path).path_for(bad)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_unwritable_folder_is_a_clear_error_and_keeps_the_old_file(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    f = ws.open("groupnorm", STARTER)
    (tmp_path / "ws").chmod(0o500)
    try:
        with pytest.raises(WorkspaceError, match="previous version is intact"):
            ws.save("groupnorm", "new", base_digest=f.digest)
    finally:
        (tmp_path / "ws").chmod(0o700)
    assert ws.load("groupnorm").text == STARTER


def test_full_disk_keeps_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(tmp_path)
    f = ws.open("groupnorm", STARTER)

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("quizapp.store.workspace.os.fsync", no_space)
    with pytest.raises(WorkspaceError, match="previous version is intact"):
        ws.save("groupnorm", "new work", base_digest=f.digest)
    assert ws.load("groupnorm").text == STARTER
    assert [p.name for p in tmp_path.iterdir()] == ["groupnorm.py"]
