"""The drill workspace: the user's own solution files, one `<drill id>.py` per drill.

Files live under `<data dir>/workspace/` or a folder the user names. A file is created from the
drill's starter on first open and saved on every run. Nothing the user wrote is ever replaced
without `overwrite=True`: resetting to the starter refuses when the file has the user's work, and
saving refuses when the file changed on disk since it was loaded (e.g. edited in another editor).
Writes go to a temporary file that is renamed into place, so a crash or a full disk leaves the
previous version intact.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

WORKSPACE_FOLDER = "workspace"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")


class WorkspaceError(Exception):
    """A workspace file could not be read or written; the message says what to do."""


class WorkspaceConflict(WorkspaceError):
    """Writing would replace the user's work; pass `overwrite=True` once the user has agreed."""


def code_hash(text: str) -> str:
    """The hash recorded with a drill run (sha256 of the UTF-8 text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class SolutionFile:
    """A solution as loaded: where it is, its text, and the hash to pass back when saving."""

    path: Path
    text: str
    digest: str
    created: bool  # True when this open created it from the starter


class Workspace:
    """The folder of the user's drill solutions."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser()

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> Workspace:
        """The default workspace, `<data dir>/workspace`."""
        return cls(Path(data_dir) / WORKSPACE_FOLDER)

    def path_for(self, drill_id: str) -> Path:
        """Where the solution of `drill_id` lives (the id must be a plain name)."""
        if not _SAFE_ID.match(drill_id) or ".." in drill_id:
            raise WorkspaceError(f"not a valid drill id for a file name: {drill_id!r}")
        return self.root / f"{drill_id}.py"

    def open(self, drill_id: str, starter: str) -> SolutionFile:
        """The user's solution, created from `starter` when there is none yet."""
        path = self.path_for(drill_id)
        if path.exists():
            return self.load(drill_id)
        self._write(path, starter, exclusive=True)
        return SolutionFile(path, starter, code_hash(starter), created=True)

    def load(self, drill_id: str) -> SolutionFile:
        """The solution as it is on disk now."""
        path = self.path_for(drill_id)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkspaceError(f"cannot read {path}: {exc}") from exc
        return SolutionFile(path, text, code_hash(text), created=False)

    def save(
        self, drill_id: str, text: str, *, base_digest: str | None, overwrite: bool = False
    ) -> SolutionFile:
        """Save `text` (called on every run).

        Args:
            drill_id: the drill.
            text: the code to save.
            base_digest: the `digest` of the version the text was edited from; None for a new
                file. If the file on disk is neither that version nor `text`, it was changed
                elsewhere and `WorkspaceConflict` is raised unless `overwrite` is True.
            overwrite: the user agreed to replace whatever is on disk.
        """
        path = self.path_for(drill_id)
        if not overwrite and path.exists():
            on_disk = self.load(drill_id).digest
            if on_disk not in (base_digest, code_hash(text)):
                raise WorkspaceConflict(
                    f"{path} changed on disk since it was opened; reload it, or save with "
                    "overwrite to replace those changes"
                )
        self._write(path, text, exclusive=False)
        return SolutionFile(path, text, code_hash(text), created=False)

    def reset(self, drill_id: str, starter: str, *, overwrite: bool = False) -> SolutionFile:
        """Put the starter back; refuses to replace the user's work unless `overwrite`."""
        path = self.path_for(drill_id)
        if path.exists() and not overwrite and self.load(drill_id).text != starter:
            raise WorkspaceConflict(
                f"{path} holds your work; resetting it to the starter needs overwrite=True"
            )
        self._write(path, starter, exclusive=False)
        return SolutionFile(path, starter, code_hash(starter), created=False)

    def _write(self, path: Path, text: str, *, exclusive: bool) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            tmp = Path(tmp_name)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                if exclusive:
                    # link() fails if the target appeared meanwhile: never clobber a new file.
                    os.link(tmp, path)
                else:
                    tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
        except FileExistsError as exc:
            raise WorkspaceConflict(f"{path} was created meanwhile; open it again") from exc
        except OSError as exc:
            raise WorkspaceError(
                f"could not save {path}: {exc.strerror or exc}; the previous version is intact"
            ) from exc
