"""Turning a CSV/TSV file of flashcards (front, back, optional tags) into a YAML deck.

Each row becomes a `short_answer` question when its back is short (a word or phrase the checker
can match), else an `open` question the user grades against the back as model answer. Texts are
written as `{en: ..., zh: null}` so the Chinese side is there for the user to fill in; English
alone is valid. Ids are `<deck>.<slug of the front>`, made unique with `-2`, `-3`, ...

Every bad row is reported as `FILE:LINE: message` and nothing is written unless every row is
good; the YAML is validated with the bank's own validator before it is written, and an existing
deck is never overwritten.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from quizapp.bank.files import MAX_FILE_BYTES
from quizapp.bank.model import FORMAT_VERSION
from quizapp.bank.problems import BankError, Problem

DECK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$")
# A back at most this long, on one line and of at most SHORT_BACK_WORDS words, is a short answer.
SHORT_BACK_CHARS = 60
SHORT_BACK_WORDS = 8
SLUG_CHARS = 48
HEADER_ROWS = {("front", "back"), ("question", "answer"), ("prompt", "answer")}
GENERIC_RUBRIC = "Covers the main points of the model answer"
# A deck is studied as one list: beyond this many cards, split the file into several decks.
MAX_IMPORT_CARDS = 5_000


@dataclass(frozen=True, slots=True)
class CardRow:
    """One flashcard read from the file, with the line it starts on."""

    line: int
    front: str
    back: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportedDeck:
    """What `write_imported_deck` wrote."""

    path: Path
    deck: str
    questions: int
    short_answer: int
    open: int


def deck_name_for(title: str) -> tuple[str, str | None]:
    """The deck's file name from what the user typed, and its title when that was a title.

    "transformers" is a name already; "My cards" becomes `my-cards` titled "My cards"; a title
    with no ASCII words ("我的卡片") gets a name from its digest, so any title can be used.
    """
    title = " ".join(title.split())
    if DECK_NAME.match(title):
        return title, None
    name = slug(title)[:60].strip("-")
    if not name:
        name = "deck-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]
    return name, title


def check_deck_name(name: str) -> str | None:
    """Why `name` cannot be a deck name, or None when it can."""
    if not DECK_NAME.match(name):
        return (
            f"'{name}' cannot be a deck name: use letters, digits, '-' and '_' "
            "(at most 60, starting with a letter or digit)"
        )
    return None


def _delimiter(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix == ".tsv":
        return "\t"
    if suffix == ".csv":
        return ","
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    return "\t" if "\t" in first else ","


def _tags(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in re.split(r"[\s,;]+", cell.strip()) if t))


def read_rows(path: Path, raw: bytes) -> tuple[list[CardRow], list[Problem]]:
    """The cards in a CSV/TSV file's bytes, and every problem (UTF-8 BOM allowed).

    Blank lines are skipped, and so are a header row (front/back) and Anki's `#key:value`
    header lines at the top of the file. Quoted fields may hold newlines and delimiters.
    """
    name = str(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return [], [Problem(name, line, "the file is not UTF-8: save it as UTF-8 and try again")]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(path, text), strict=True
    )
    rows: list[CardRow] = []
    problems: list[Problem] = []
    start = 1
    seen_data = False
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, start, f"cannot read this row: {exc}"))
            break
        line, start = start, reader.line_num + 1
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        if not seen_data and len(cells) == 1 and cells[0].startswith("#"):
            continue  # Anki header line (#separator:tab, ...) or a comment
        if not seen_data and tuple(c.lower() for c in cells[:2]) in HEADER_ROWS:
            seen_data = True
            continue
        seen_data = True
        if len(cells) < 2:
            problems.append(
                Problem(
                    name,
                    line,
                    f"expected at least two columns (front, back), found {len(cells)}; "
                    "check the separator (comma for .csv, tab for .tsv)",
                )
            )
            continue
        front, back = cells[0], cells[1]
        if not front:
            problems.append(Problem(name, line, "the front (column 1) is empty"))
            continue
        if not back:
            problems.append(Problem(name, line, "the back (column 2) is empty"))
            continue
        rows.append(CardRow(line, front, back, _tags(cells[2]) if len(cells) > 2 else ()))
    if not rows and not problems:
        problems.append(Problem(name, 1, "no cards found: each row needs a front and a back"))
    return rows, problems


def slug(text: str) -> str:
    """Lower-case ASCII words of `text` joined by '-', cut at a word boundary."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > SLUG_CHARS:
            break
        out = candidate
    return out or (words[0][:SLUG_CHARS] if words else "")


def is_short(back: str) -> bool:
    """Whether a back is short enough to be matched as a short answer."""
    return (
        len(back) <= SHORT_BACK_CHARS and "\n" not in back and len(back.split()) <= SHORT_BACK_WORDS
    )


def _text(en: str) -> dict[str, str | None]:
    return {"en": en, "zh": None}


def deck_document(
    deck: str,
    rows: Sequence[CardRow],
    *,
    taken_ids: Collection[str] = (),
    title: str | None = None,
) -> dict[str, Any]:
    """The deck as plain data (what the YAML file will hold)."""
    used = set(taken_ids)
    next_suffix: dict[str, int] = {}  # per base id: where to continue (linear, not quadratic)
    questions: list[dict[str, Any]] = []
    for n, row in enumerate(rows, start=1):
        base = f"{deck}.{slug(row.front) or f'q{n}'}"
        qid, k = base, next_suffix.get(base, 2)
        while qid in used:
            qid, k = f"{base}-{k}", k + 1
        next_suffix[base] = k
        used.add(qid)
        tags = list(row.tags) or [deck.lower()]
        q: dict[str, Any] = {"id": qid}
        if is_short(row.back):
            q |= {
                "type": "short_answer",
                "tags": tags,
                "prompt": _text(row.front),
                "accept": [row.back],
                "explanation": _text(row.back),
            }
        else:
            points = [ln.strip(" -*•\t") for ln in row.back.splitlines() if ln.strip(" -*•\t")]
            rubric = points if 1 < len(points) <= 8 else [GENERIC_RUBRIC]
            q |= {
                "type": "open",
                "tags": tags,
                "prompt": _text(row.front),
                "model_answer": _text(row.back),
                "rubric": [_text(r) for r in rubric],
                "explanation": _text(row.back),
            }
        questions.append(q)
    title = title or " ".join(w.capitalize() for w in re.split(r"[-_]+", deck) if w) or deck
    return {
        "format_version": FORMAT_VERSION,
        "title": _text(title),
        "questions": questions,
    }


class _DeckDumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_DeckDumper.add_representer(str, _str)


def deck_yaml(document: dict[str, Any], *, source: str) -> str:
    """The deck file's text, with a comment saying where it came from and what to fill in."""
    body = yaml.dump(
        document, Dumper=_DeckDumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )
    header = (
        f"# Imported from {source} by `quizapp import`.\n"
        "# The Chinese text (zh: null) is left for you to fill in; English alone is valid.\n"
        "# Check with `quizapp validate` after editing.\n"
    )
    return header + body


def build_deck(
    source: Path,
    raw: bytes,
    deck: str,
    *,
    taken_ids: Collection[str] = (),
    title: str | None = None,
) -> tuple[str, list[CardRow]]:
    """The YAML text of the deck made from a CSV/TSV file; raises `BankError` on bad rows.

    The text is checked with the bank's validator, so what is returned loads without problems.
    """
    from quizapp.bank.validation import validate_deck
    from quizapp.bank.yamlsource import parse_yaml

    rows, problems = read_rows(source, raw)
    if problems:
        raise BankError(problems)
    if len(rows) > MAX_IMPORT_CARDS:
        raise BankError(
            [
                Problem(
                    str(source),
                    rows[MAX_IMPORT_CARDS].line,
                    f"the file has {len(rows):,} cards; one deck takes at most "
                    f"{MAX_IMPORT_CARDS:,}: split the file and import each part as its own deck",
                )
            ]
        )
    document = deck_document(deck, rows, taken_ids=taken_ids, title=title)
    text = deck_yaml(document, source=source.name)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise BankError(
            [
                Problem(
                    str(source),
                    1,
                    "these cards make a deck larger than the "
                    f"{MAX_FILE_BYTES // 1024 // 1024} MB a deck may be: split the file",
                )
            ]
        )
    name = f"{deck}.yaml"
    doc, problems = parse_yaml(text, name)
    if doc is not None:
        _deck, problems, _lines = validate_deck(doc, name, deck, user=True)
    if problems:  # pragma: no cover - the document is built to be valid
        raise BankError(problems)
    return text, rows


def write_new_file(path: Path, text: str) -> None:
    """Write `text` to `path`, which must not exist: complete or not at all, never overwriting.

    Raises `FileExistsError` when `path` exists (even if it appeared meanwhile).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, path)  # fails if `path` exists: no overwrite, even in a race
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_imported_deck(
    source: Path,
    deck: str,
    decks_dir: Path,
    *,
    taken_ids: Collection[str] = (),
    taken_decks: Collection[str] = (),
) -> ImportedDeck:
    """Read `source`, write `decks_dir/<name>.yaml`, and say what was written.

    `deck` is a deck name (`transformers`) or a title (`My cards`), from which a safe file name
    is derived (`deck_name_for`). Raises `ValueError` for a bad deck name, `FileExistsError`
    when the deck exists already (as a file or as a loaded deck's name), `BankError` for bad
    rows, `OSError` on I/O.
    """
    deck, title = deck_name_for(deck)
    why = check_deck_name(deck)
    if why:
        raise ValueError(why)
    path = decks_dir / f"{deck}.yaml"
    if deck in taken_decks or path.exists() or path.with_suffix(".yml").exists():
        raise FileExistsError(f"a deck named '{deck}' exists already; choose another name")
    raw = source.read_bytes()
    text, rows = build_deck(source, raw, deck, taken_ids=taken_ids, title=title)
    write_new_file(path, text)
    short = sum(is_short(r.back) for r in rows)
    return ImportedDeck(path, deck, len(rows), short, len(rows) - short)
