"""A cache of parsed deck and drill files keyed on their contents, so start-up cost does not grow
with the bank and a warm start never imports yaml or pydantic.

Each file's validated form is pickled under the hash of its path and bytes. Unpickling runs
code, so every entry is authenticated first: it starts with an HMAC-SHA256 of the rest under a
per-user random key (`key` beside the entries, readable by the user only), and an entry whose
tag does not verify is never unpickled. An entry is used only if its header then matches this
code's cache version and quizapp's version exactly and it unpickles into the expected types;
anything else (stale, truncated, foreign, forged) is ignored and rebuilt. Writes go to a
temporary file and are renamed into place, so a crash never leaves half an entry.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from quizapp import __version__
from quizapp.bank.deck import LoadedDeck
from quizapp.bank.problems import Problem

# Bump whenever the model classes change shape, or loading changes what they hold (10: folded
# CJK line breaks joined): old entries then miss instead of misloading or showing stale text.
CACHE_VERSION = 10
_MAGIC = "quizapp-deck-cache"
_TAG_BYTES = 32  # HMAC-SHA256
KEY_NAME = "key"


@dataclass(frozen=True, slots=True)
class DeckEntry:
    """What loading one file produced: the deck (if any), its problems, each question's line."""

    deck: LoadedDeck | None
    problems: tuple[Problem, ...]
    question_lines: tuple[int, ...] = ()

    def sound(self) -> bool:
        """Whether an unpickled entry holds what it should (a foreign pickle may not)."""
        deck_ok = self.deck is None or isinstance(self.deck, LoadedDeck)
        return deck_ok and isinstance(self.problems, tuple)


class CacheEntry(Protocol):
    """What the cache stores: a frozen record that can tell whether it unpickled whole."""

    def sound(self) -> bool: ...


E = TypeVar("E", bound=CacheEntry)


def cache_key(path: str, raw: bytes, user: bool) -> str:
    """The entry name for a file: its path, its bytes and whether it is a user deck."""
    # SHA-256 runs on the CPU's SHA extensions where it has them: 5 MB hash in ~3 ms, where
    # BLAKE2b (no such help) takes ~5.5 ms on every warm start of a 10,000-question bank.
    digest = hashlib.sha256(raw)
    digest.update(f"\0{path}\0{user}".encode())
    return digest.hexdigest()


class DeckCache:
    """Entries under one folder; a missing or unwritable folder just means no caching."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._key: bytes | None = None

    def _secret(self, create: bool) -> bytes | None:
        """The per-user key that authenticates entries (made on first write), or None."""
        if self._key is not None or self.folder is None:
            return self._key
        path = self.folder / KEY_NAME
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            if not create:
                return None
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(os.urandom(32))
                key = path.read_bytes()
            except OSError:
                return None
        except OSError:
            return None
        self._key = key if len(key) == 32 else None
        return self._key

    def get(self, key: str, kind: type[E]) -> E | None:
        """The entry under `key` if it is authentic, and a sound `kind` of this very version."""
        secret = self._secret(create=False)
        if self.folder is None or secret is None:
            return None
        try:
            data = (self.folder / f"{key}.pickle").read_bytes()
        except OSError:
            return None
        tag, payload = data[:_TAG_BYTES], data[_TAG_BYTES:]
        if not hmac.compare_digest(tag, hmac.new(secret, payload, hashlib.sha256).digest()):
            return None  # not written by this user's quizapp: never unpickle it
        try:
            fh = io.BytesIO(payload)
            if pickle.load(fh) != (_MAGIC, CACHE_VERSION, __version__):
                return None
            entry = pickle.load(fh)
        except Exception:  # an authentic but unreadable entry (older code): rebuild it
            return None
        if not isinstance(entry, kind) or not entry.sound():
            return None
        return entry

    def put(self, key: str, entry: CacheEntry) -> None:
        secret = self._secret(create=True)
        if self.folder is None or secret is None:
            return
        buffer = io.BytesIO()
        pickle.dump((_MAGIC, CACHE_VERSION, __version__), buffer, protocol=5)
        pickle.dump(entry, buffer, protocol=5)
        payload = buffer.getvalue()
        tag = hmac.new(secret, payload, hashlib.sha256).digest()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(tag + payload)
            Path(tmp).replace(self.folder / f"{key}.pickle")
        except OSError:
            # A read-only or full cache folder costs speed, never correctness.
            return


def cached(cache: DeckCache | None, key: str, kind: type[E], build: Callable[[], E]) -> E:
    """The entry under `key` if the cache has a sound one, else `build()`, kept for next time."""
    if cache is not None and (hit := cache.get(key, kind)) is not None:
        return hit
    entry = build()
    if cache is not None:
        cache.put(key, entry)
    return entry
