"""Attacks through files the app reads: each must fail and leave the host as it was."""

from __future__ import annotations

import io
import pickle
import time
from pathlib import Path

import pytest

from quizapp.bank.cache import CACHE_VERSION, DeckCache, DeckEntry
from quizapp.bank.loader import load_deck_file

DECK = """\
format_version: 1
title: T
questions:
  - {id: q, type: true_false, prompt: p, explanation: e, answer: true}
"""


class _Payload:
    """Unpickling this runs code: it creates a file (the proof that the attack worked)."""

    def __init__(self, proof: Path) -> None:
        self.proof = proof

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.proof), "w"))  # the attack: unpickling opens a file


def test_a_forged_cache_entry_is_never_unpickled(tmp_path: Path) -> None:
    from quizapp import __version__

    deck = tmp_path / "d.yaml"
    deck.write_text(DECK, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    first = load_deck_file(deck, user=True, cache=cache)
    [entry] = (tmp_path / "cache").glob("*.pickle")
    proof = tmp_path / "pwned"
    forged = io.BytesIO()
    pickle.dump(("quizapp-deck-cache", CACHE_VERSION, __version__), forged, protocol=5)
    pickle.dump(_Payload(proof), forged, protocol=5)
    # A submission that can write the cache cannot compute the tag without the user's key:
    # with or without a tag-sized prefix, the entry is refused before any unpickling.
    for body in (forged.getvalue(), b"\0" * 32 + forged.getvalue()):
        entry.write_bytes(body)
        again = load_deck_file(deck, user=True, cache=DeckCache(tmp_path / "cache"))
        assert not proof.exists()
        assert again == first  # rebuilt from the deck itself
    assert oct((tmp_path / "cache" / "key").stat().st_mode & 0o777) == "0o600"


def test_entries_from_another_key_are_rebuilt_not_trusted(tmp_path: Path) -> None:
    deck = tmp_path / "d.yaml"
    deck.write_text(DECK, encoding="utf-8")
    load_deck_file(deck, user=True, cache=DeckCache(tmp_path / "cache"))
    (tmp_path / "cache" / "key").write_bytes(b"k" * 32)
    assert (
        DeckCache(tmp_path / "cache").get(
            next(p.stem for p in (tmp_path / "cache").glob("*.pickle")), DeckEntry
        )
        is None
    )


def _deck(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("format_version: 1\ntitle: T\nquestions:\n" + body, encoding="utf-8")
    return folder


def test_a_catastrophic_pattern_cannot_freeze_answer_checking(tmp_path: Path) -> None:
    from quizapp.bank.loader import load_bank
    from quizapp.quiz.checking import check_answer

    folder = _deck(
        tmp_path,
        "redos.yaml",
        "  - {id: r, type: short_answer, prompt: p, explanation: e, patterns: ['^(a+)+$']}\n",
    )
    bank = load_bank([folder], shipped=False)
    question = bank.question("r")
    assert question is not None and bank.problems == []
    start = time.perf_counter()
    verdict = check_answer(question, "a" * 100_000 + "!")  # exponential for a backtracking engine
    assert not verdict.correct and time.perf_counter() - start < 2


def test_huge_numbers_cost_their_deck_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizapp.cli import main

    folder = _deck(
        tmp_path,
        "big.yaml",
        "  - {id: n, type: numeric, prompt: p, explanation: e, answer: "
        + "9" * 100_000
        + ", abs_tol: 1}\n",
    )
    (folder / "fine.yaml").write_text(
        "format_version: 1\ntitle: F\nquestions:\n"
        "  - {id: f, type: true_false, prompt: p, explanation: e, answer: true}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert f"{folder / 'big.yaml'}:4: " in out and "Traceback" not in out + err
    assert "1 valid question(s)" in err  # the other deck still loads


def test_the_anki_export_cannot_be_split_or_turned_into_formulas() -> None:
    from quizapp.bank.model import TrueFalse
    from quizapp.quiz.anki import anki_tsv, note_for

    question = TrueFalse(
        id="x\tinjected\nrow",
        type="true_false",
        prompt='=HYPERLINK("http://evil")',
        explanation="+1",
        answer=True,
        tags=("@tag", "ok"),
    )
    text = anki_tsv([note_for(question, "en")], deck="D")
    [row] = [line for line in text.splitlines() if not line.startswith("#")]
    cells = row.split("\t")
    assert len(cells) == 4  # the id's tab and newline did not make new cells or rows
    assert not any(cell[:1] in "=+-@" for cell in cells)


def test_a_read_only_data_folder_shows_progress_and_refuses_writes_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizapp.bank.model import TrueFalse
    from quizapp.cli import main
    from quizapp.store.progress import ProgressStore

    question = TrueFalse(id="q", type="true_false", prompt="p", explanation="e", answer=True)
    with ProgressStore.open(tmp_path) as store:
        store.record_answer(question, deck="d", answer=True, correct=True, seconds=3)
    before = sorted(p.name for p in tmp_path.iterdir())
    # Root ignores file modes, so the read-only mount is simulated where it is detected.
    monkeypatch.setattr("quizapp.store.opening._folder_writable", lambda folder: False)
    for command in (["stats", "--json"], ["plan", "--json"], ["export", "--format", "md"]):
        assert main(["--data-dir", str(tmp_path), *command]) == 0, command
    out, err = capsys.readouterr()
    assert '"attempts": 1' in out and "read-only" in err and "Traceback" not in out + err
    assert main(["--data-dir", str(tmp_path), "undo"]) == 1
    assert "read-only" in capsys.readouterr().err
    with ProgressStore.open(tmp_path) as store:
        assert [a.item_id for a in store.attempts()] == ["q"]  # nothing was lost or changed
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def _export_with(tmp_path: Path, attempt_change: dict[str, object]) -> str:
    import json

    from quizapp.store.schema import SCHEMA_VERSION

    attempt: dict[str, object] = {
        "uid": "u1",
        "item_id": "q",
        "kind": "question",
        "deck": "d",
        "tags": [],
        "answer": True,
        "correct": True,
        "score": 1.0,
        "seconds": 3.0,
        "answered_at": "2026-12-01T10:00:00+00:00",
        "language": "en",
        "mode": "learn",
        "rating": 3,
        "hint_used": False,
        "state_before": None,
    }
    attempt.update(attempt_change)
    doc = {"format": "quizapp-progress", "schema_version": SCHEMA_VERSION, "attempts": [attempt]}
    return json.dumps(doc)  # Infinity and NaN are written as JSON's non-standard constants


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("deep", '{"attempts": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested"),
        ("infinite", {"seconds": float("inf")}, "Infinity"),
        ("nan", {"seconds": float("nan")}, "NaN"),
        ("year 9999", {"answered_at": "9999-12-31T23:59:59+00:00"}, "year 9999"),
        ("huge id", {"item_id": "x" * 5_000_000}, "`item_id` must be text"),
        ("huge answer", {"answer": "x" * 200_000}, "`answer` is"),
    ],
)
def test_a_hostile_progress_export_is_refused_with_a_reason(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: object,
    said: str,
) -> None:
    from quizapp.cli import main
    from quizapp.store.progress import ProgressStore

    path = tmp_path / "progress.json"
    text = content if isinstance(content, str) else _export_with(tmp_path, dict(content))
    path.write_text(text, encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "data"), "import-progress", str(path)]) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err, name
    with ProgressStore.open(tmp_path / "data") as store:
        assert store.attempts() == []  # nothing partial


def test_a_huge_card_file_is_refused_and_repeated_fronts_get_unique_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizapp.bank.importing import MAX_IMPORT_CARDS, CardRow, deck_document
    from quizapp.cli import main

    huge = tmp_path / "huge.csv"
    huge.write_text("What is BN?,batch norm\n" * (MAX_IMPORT_CARDS + 1), encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "data"), "import", str(huge), "--deck", "big"]) == 1
    assert f"{huge}:{MAX_IMPORT_CARDS + 1}: " in capsys.readouterr().out
    assert not (tmp_path / "data" / "decks" / "big.yaml").exists()
    rows = [CardRow(n, "What is BN?", "batch norm", ()) for n in range(1, 3001)]
    ids = [q["id"] for q in deck_document("d", rows)["questions"]]
    assert len(set(ids)) == 3000 and ids[-1] == "d.what-is-bn-3000"
