"""Reading deck files: the size limit applies before a byte is parsed."""

from __future__ import annotations

from pathlib import Path

from quizapp.bank.problems import Problem

MAX_FILE_BYTES = 8 * 1024 * 1024


def read_bytes(path: Path) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, unless it cannot be read or is too large to be a deck."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            mb = size / 1024 / 1024
            limit = MAX_FILE_BYTES // 1024 // 1024
            msg = f"the file is {mb:.1f} MB; a deck may be at most {limit} MB: split it into decks"
            return None, [Problem(name, 1, msg)]
        return path.read_bytes(), []
    except OSError as exc:
        return None, [Problem(name, 1, f"cannot read the file: {exc.strerror or exc}")]
