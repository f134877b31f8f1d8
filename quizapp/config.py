"""Where quizapp keeps its files, and the user's settings file.

The data folder comes from `--data-dir`, else `QUIZAPP_DATA_DIR`, else the platform's user data
folder. Settings live in `config.toml` there; a broken settings file is reported, never fatal.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from quizapp.bank.problems import Problem

APP_NAME = "quizapp"
CONFIG_FILE = "config.toml"
# Decks the user made (e.g. with `quizapp import`); loaded whenever the folder exists.
USER_DECKS = "decks"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder for progress, workspace, cache and settings (not created here)."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("QUIZAPP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs  # deferred: only needed when no folder is given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(slots=True)
class Settings:
    """The user's settings; every field has a default so an empty file is valid."""

    banks: list[Path] = field(default_factory=list)
    language: str = "en"
    problems: list[Problem] = field(default_factory=list)


def load_settings(folder: Path) -> Settings:
    """Settings from `folder/config.toml`; problems are recorded on the result, not raised."""
    import tomllib  # deferred: most users never write a config file

    path = folder / CONFIG_FILE
    settings = Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _add_user_decks(folder, settings)
        return settings
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        settings.problems.append(Problem(str(path), _toml_line(exc), f"settings ignored: {exc}"))
        _add_user_decks(folder, settings)
        return settings
    banks = raw.get("banks", [])
    if isinstance(banks, list) and all(isinstance(b, str) for b in banks):
        settings.banks = [(folder / Path(b).expanduser()) for b in banks]
    else:
        settings.problems.append(
            Problem(str(path), 1, 'banks must be a list of folder paths, e.g. banks = ["~/decks"]')
        )
    _add_user_decks(folder, settings)
    language = raw.get("language", "en")
    if language in ("en", "zh"):
        settings.language = language
    else:
        settings.problems.append(Problem(str(path), 1, 'language must be "en" or "zh"'))
    return settings


def user_decks_dir(folder: Path) -> Path:
    """Where `quizapp import` writes new decks: `<data dir>/decks`."""
    return folder / USER_DECKS


def _add_user_decks(folder: Path, settings: Settings) -> None:
    """Load `<data dir>/decks` too, unless `banks` names it already."""
    decks = user_decks_dir(folder)
    if not decks.is_dir():
        return
    resolved = decks.resolve()
    if all(b.expanduser().resolve() != resolved for b in settings.banks):
        settings.banks.append(decks)


_LANGUAGE_LINE = re.compile(r"^[ \t]*language[ \t]*=.*$", re.MULTILINE)


def save_language(folder: Path, language: str) -> None:
    """Set `language` in config.toml, editing that one line in place (or adding it).

    The file is the user's: comments, other keys and formatting are kept as they were.
    """
    path = folder / CONFIG_FILE
    line = f'language = "{language}"'
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    if _LANGUAGE_LINE.search(text):
        text = _LANGUAGE_LINE.sub(line, text, count=1)
    else:
        text = text + ("" if not text or text.endswith("\n") else "\n") + line + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _toml_line(exc: Exception) -> int:
    lineno = getattr(exc, "lineno", None)
    return lineno if isinstance(lineno, int) else 1
