"""Loading the whole bank: the shipped decks, then the user's folders, checked as one.

A problem in one file never stops another from loading; ids must be unique across every file,
and the first file to claim an id keeps it (shipped decks load first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp.bank.cache import DeckCache, DeckEntry, cache_key, cached
from quizapp.bank.deck import LoadedDeck
from quizapp.bank.files import read_bytes
from quizapp.bank.problems import Problem

if TYPE_CHECKING:
    from quizapp.bank.model import Question

DECK_SUFFIXES = (".yaml", ".yml")
# The shipped bank lives beside the package in a source checkout (`pip install -e .`).
SHIPPED_BANK = Path(__file__).resolve().parents[2] / "questions"
DRILLS_FOLDER = "drills"


@dataclass(slots=True)
class Bank:
    """Every loaded deck, the deck of each question id, and every problem met on the way.

    Questions are read from their decks on demand (see `LoadedDeck`); `deck_of` and each
    deck's `infos` answer counts and lookups without loading any question.
    """

    decks: list[LoadedDeck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    deck_of: dict[str, str] = field(default_factory=dict)

    @property
    def questions(self) -> list[Question]:
        """Every question of every deck (loads them all)."""
        return [q for deck in self.decks for q in deck.questions]

    @property
    def by_id(self) -> dict[str, Question]:
        """Every question by id (loads them all; prefer `question(id)`)."""
        return {q.id: q for q in self.questions}

    def question(self, question_id: str) -> Question | None:
        """One question by id, loading only its deck."""
        deck = self.deck(self.deck_of.get(question_id, ""))
        if deck is None:
            return None
        return next((q for q in deck.questions if q.id == question_id), None)

    def deck(self, deck_id: str) -> LoadedDeck | None:
        return next((d for d in self.decks if d.deck_id == deck_id), None)

    def broken_files(self) -> list[str]:
        """Files with at least one problem, in the order met."""
        return list(dict.fromkeys(p.path for p in self.problems))


def deck_files(root: Path) -> Iterator[Path]:
    """Deck files under `root` (a file or a folder), sorted, skipping the drills folder."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if path.suffix in DECK_SUFFIXES and path.is_file():
            if DRILLS_FOLDER in path.relative_to(root).parts[:-1]:
                continue
            yield path


def load_deck_file(path: Path, *, user: bool, cache: DeckCache | None = None) -> DeckEntry:
    """One file's deck and problems, from the cache when its bytes are unchanged."""
    name = str(path)
    raw, problems = read_bytes(path)
    if raw is None:
        return DeckEntry(None, tuple(problems))
    key = cache_key(name, raw, user)
    return cached(cache, key, DeckEntry, lambda: _parse_entry(raw, name, path.stem, user))


def _parse_entry(raw: bytes, name: str, deck_id: str, user: bool) -> DeckEntry:
    # Deferred: a warm start never parses, so it never pays for yaml and pydantic.
    from quizapp.bank.validation import validate_deck
    from quizapp.bank.yamlsource import parse_bytes

    doc, problems = parse_bytes(raw, name)
    if doc is None:
        return DeckEntry(None, tuple(problems))
    deck, problems, lines = validate_deck(doc, name, deck_id, user=user)
    return DeckEntry(deck, tuple(problems), lines)


def load_bank(
    roots: Iterable[Path] = (),
    *,
    shipped: bool = True,
    cache: DeckCache | None = None,
) -> Bank:
    """The shipped bank (unless `shipped` is False) and every deck under `roots`."""
    sources: list[tuple[Path, bool]] = []
    if shipped:
        sources.append((SHIPPED_BANK, False))
    sources.extend((Path(r), True) for r in roots)
    bank = Bank()
    first_seen: dict[str, DeckEntry] = {}  # the entry whose deck has the id first
    deck_paths: dict[str, str] = {}
    for root, user in sources:
        if not root.exists():
            bank.problems.append(
                Problem(str(root), 1, "no such file or folder; check the path given to --bank")
            )
            continue
        for path in deck_files(root):
            entry = load_deck_file(path, user=user, cache=cache)
            bank.problems.extend(entry.problems)
            if entry.deck is not None:
                _add_deck(bank, entry, first_seen, deck_paths)
    return bank


def _add_deck(
    bank: Bank,
    entry: DeckEntry,
    first_seen: dict[str, DeckEntry],
    deck_paths: dict[str, str],
) -> None:
    deck = entry.deck
    assert deck is not None
    deck_id = deck.deck_id
    if deck_id in deck_paths:
        # Two folders with a deck of the same file name: keep both, tell them apart by folder.
        deck_id = f"{Path(deck.path).parent.name}/{deck.deck_id}"
    deck_paths[deck_id] = deck.path
    ids = deck.ids
    duplicates: set[str] = set()
    if first_seen.keys().isdisjoint(ids) and len(set(ids)) == len(ids):
        # The common case, done in C (a warm start with 10,000 questions spends it here).
        first_seen.update(dict.fromkeys(ids, entry))
        bank.deck_of.update(dict.fromkeys(ids, deck_id))
    else:
        duplicates = _claim_ids(bank, entry, deck_id, first_seen)
    if not duplicates and deck_id == deck.deck_id:
        bank.decks.append(deck)  # the common case: keep the deck lazy
        return
    # Only a deck with a clash pays for loading its questions here.
    seen: set[str] = set()
    kept = []
    for q in deck.questions:
        if q.id in seen or (q.id in duplicates and bank.deck_of.get(q.id) != deck_id):
            continue
        seen.add(q.id)
        kept.append(q)
    bank.decks.append(
        LoadedDeck(
            deck_id=deck_id,
            path=deck.path,
            title=deck.title,
            description=deck.description,
            questions=tuple(kept),
            user=deck.user,
        )
    )


def _claim_ids(
    bank: Bank, entry: DeckEntry, deck_id: str, first_seen: dict[str, DeckEntry]
) -> set[str]:
    """Give the deck its ids one by one, reporting each one taken before; the taken ones."""
    deck = entry.deck
    assert deck is not None
    duplicates: set[str] = set()
    for question_id, line in zip(deck.ids, entry.question_lines, strict=True):
        first = first_seen.get(question_id)
        if first is not None:
            assert first.deck is not None
            first_line = first.question_lines[first.deck.ids.index(question_id)]
            msg = (
                f"duplicate id '{question_id}' (first at {first.deck.path}:{first_line}); ids "
                "are unique across the bank and progress is keyed on them: rename this one"
            )
            bank.problems.append(Problem(deck.path, line, msg))
            duplicates.add(question_id)
            continue
        first_seen[question_id] = entry
        bank.deck_of[question_id] = deck_id
    return duplicates
