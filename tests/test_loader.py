"""Loading decks: every kind of bad file gets a FILE:LINE message, never a traceback."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.bank.cache import DeckCache
from quizapp.bank.loader import load_bank, load_deck_file
from quizapp.bank.yamlsource import parse_yaml
from quizapp.cli import main

GOOD_QUESTION = """\
  - id: {id}
    type: true_false
    prompt: {{en: Is it?, zh: 是吗？}}
    explanation: {{en: Because., zh: 因为。}}
    answer: true
"""
HEADER = "format_version: 1\ntitle: T\nquestions:\n"


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _messages(tmp_path: Path) -> list[str]:
    bank = load_bank([tmp_path], shipped=False)
    return [str(p) for p in bank.problems]


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (HEADER + "  - id: a\n\ttype: open\n", 5, "tab"),
        ("", 1, "empty"),
        ("# nothing\n\n", 1, "empty"),
        ("- 1\n- 2\n", 1, "holds a list"),
        ("format_version: 1\ntitle: [x\n", 3, "YAML syntax error"),
        ("format_version: 2\ntitle: T\nquestions: []\n", 1, "format_version 2"),
        ("title: T\nquestions: []\n", 1, "missing format_version"),
        (HEADER + "  - id: a\n    type: essay\n", 5, "unknown type 'essay'"),
        (HEADER + GOOD_QUESTION.format(id="a") + "    colour: red\n", 9, "unknown field 'colour'"),
        (
            HEADER + "  - id: a\n    type: numeric\n    prompt: p\n    explanation: e\n"
            "    answer: lots\n    abs_tol: 1\n",
            8,
            "expected a number, got 'lots'",
        ),
        (
            HEADER + "  - id: a\n    type: single_choice\n    prompt: p\n    explanation: e\n"
            "    choices:\n      - text: x\n      - text: y\n",
            8,
            "exactly one correct choice, found 0",
        ),
        (
            HEADER + "  - id: a\n    type: single_choice\n    prompt: p\n    explanation: e\n"
            "    choices:\n      - {text: x, correct: true}\n      - {text: y, correct: true}\n",
            8,
            "found 2",
        ),
        (
            HEADER + "  - id: a\n    type: numeric\n    prompt: p\n    explanation: e\n"
            "    answer: 1\n",
            8,
            "abs_tol` or `rel_tol",
        ),
        (
            HEADER + GOOD_QUESTION.format(id="a") + "    prompt: again\n",
            9,
            "duplicate key 'prompt'",
        ),
        (
            "format_version: 1\ntitle: T\nquestions:\n  - id: a\n    type: open\n",
            4,
            "missing field",
        ),
        ("format_version: 1\ntitle: T\nquestions: 3\n", 3, "must be a list"),
        ("format_version: 1\ntitle: {en: T, de: X}\nquestions: []\n", 2, "unknown field 'de'"),
        (HEADER + "  - id: a\n    type: open\n    prompt: ''\n", 6, "'prompt' is empty"),
        ("format_version: 1\ntitle: {en: T, zh: ''}\nquestions: []\n", 2, "'zh' is empty"),
        (
            HEADER + GOOD_QUESTION.format(id="a") + "    tags: [bn, '']\n",
            9,
            "item 2 of 'tags' is empty",
        ),
    ],
)
def test_bad_files_get_a_line_and_a_message(
    tmp_path: Path, content: str, line: int, fragment: str
) -> None:
    path = _write(tmp_path, "deck.yaml", content)
    messages = _messages(tmp_path)
    assert any(m.startswith(f"{path}:{line}: ") and fragment in m for m in messages), messages


def test_non_utf8_file_points_at_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = _write(tmp_path, "deck.yaml", HEADER.encode() + b"  - id: caf\xe9\n")
    assert _messages(tmp_path) == [
        f"{path}:4: byte 0xe9 is not UTF-8; save the file as UTF-8 (your editor's encoding setting)"
    ]


def test_duplicate_ids_within_and_across_files_are_reported_and_first_kept(tmp_path: Path) -> None:
    a = _write(
        tmp_path, "a.yaml", HEADER + GOOD_QUESTION.format(id="x") + GOOD_QUESTION.format(id="x")
    )
    b = _write(
        tmp_path, "b.yaml", HEADER + GOOD_QUESTION.format(id="x") + GOOD_QUESTION.format(id="y")
    )
    bank = load_bank([tmp_path], shipped=False)
    messages = [str(p) for p in bank.problems]
    assert messages == [
        f"{a}:9: duplicate id 'x' (first at {a}:4); ids are unique across the bank and progress "
        "is keyed on them: rename this one",
        f"{b}:4: duplicate id 'x' (first at {a}:4); ids are unique across the bank and progress "
        "is keyed on them: rename this one",
    ]
    assert sorted(bank.by_id) == ["x", "y"]
    assert bank.deck_of["x"] == "a"


def test_one_broken_question_keeps_the_rest_of_its_deck(tmp_path: Path) -> None:
    _write(
        tmp_path, "d.yaml", HEADER + GOOD_QUESTION.format(id="ok") + "  - id: bad\n    type: x\n"
    )
    bank = load_bank([tmp_path], shipped=False)
    assert list(bank.by_id) == ["ok"] and len(bank.problems) == 1


def test_broken_user_deck_never_stops_the_shipped_bank(tmp_path: Path) -> None:
    _write(tmp_path, "broken.yaml", "format_version: 1\ntitle: [\n")
    shipped_only = load_bank()
    bank = load_bank([tmp_path])
    assert len(bank.problems) == len(shipped_only.problems) + 1
    assert set(bank.by_id) == set(shipped_only.by_id)


def test_billion_laughs_is_refused_quickly_with_bounded_memory(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    _write(tmp_path, "lol.yaml", "\n".join(lines) + "\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    messages = _messages(tmp_path)
    assert time.perf_counter() - start < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB
    assert len(messages) == 1 and "aliases here expand" in messages[0]


DEEP_FILES = {
    "flow": ("[" * 200_000 + "]" * 200_000, 1),
    "unclosed flow": ("title: " + "{a: [" * 1_000, 1),
    "block mappings": ("\n".join("  " * i + "a:" for i in range(2_000)) + " 1\n", 65),
    "block sequences": ("- " * 2_000 + "x\n", 1),
}


@pytest.mark.parametrize("parser_refuses_first", [False, True])
@pytest.mark.parametrize("kind", DEEP_FILES)
def test_deep_nesting_is_refused_in_our_words(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    parser_refuses_first: bool,
) -> None:
    content, line = DEEP_FILES[kind]
    path = _write(tmp_path, "deep.yaml", content)
    if parser_refuses_first:
        # Whichever component refuses the file first, the user hears the same thing: a YAML
        # library with a nesting limit of its own fails inside the parser, before any event.
        def refuse(self: object) -> None:
            mark = yaml.Mark("deep.yaml", len(content) - 1, 0, 0, None, None)
            raise yaml.MarkedYAMLError(problem="some parser message", problem_mark=mark)

        monkeypatch.setattr("quizapp.bank.yamlsource._Builder.run", refuse)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    assert main(["validate", str(tmp_path)]) == 1
    assert time.perf_counter() - start < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB
    out, err = capsys.readouterr()
    [message] = out.splitlines()
    assert message.startswith(f"{path}:{line}: nesting deeper than 64 levels")
    assert "brackets that are never closed" in message  # what to look for
    assert "syntax error" not in message and "parser message" not in message
    assert "Traceback" not in out + err


def test_a_50_mb_file_is_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    start = time.perf_counter()
    messages = _messages(tmp_path)
    assert time.perf_counter() - start < 1
    assert messages == [
        f"{path}:1: the file is 50.0 MB; a deck may be at most 8 MB: split it into decks"
    ]


def test_python_tags_are_refused(tmp_path: Path) -> None:
    _write(
        tmp_path, "evil.yaml", "format_version: 1\ntitle: !!python/object/apply:os.system [ls]\n"
    )
    assert "not allowed" in _messages(tmp_path)[0]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_gets_problems_never_raises(text: str) -> None:
    doc, problems = parse_yaml(text, "f.yaml")
    assert (doc is None) == bool(problems)
    assert all(p.line >= 1 for p in problems)


def test_cache_returns_the_same_deck_and_ignores_corrupt_entries(tmp_path: Path) -> None:
    deck = _write(tmp_path, "d.yaml", HEADER + GOOD_QUESTION.format(id="q"))
    cache = DeckCache(tmp_path / "cache")
    first = load_deck_file(deck, user=True, cache=cache)
    entries = list((tmp_path / "cache").glob("*.pickle"))
    assert len(entries) == 1
    cached = load_deck_file(deck, user=True, cache=cache)
    assert cached == first
    # What lists and schedules read comes back whole from the lazily unpickled parts too.
    assert first.deck is not None and cached.deck is not None
    assert cached.deck.ids == first.deck.ids == ("q",) and len(cached.deck) == 1
    assert cached.deck.infos == first.deck.infos
    assert cached.deck.infos[0].type == "true_false"
    entries[0].write_bytes(b"\x80\x05garbage")
    assert load_deck_file(deck, user=True, cache=cache) == first  # rebuilt, not trusted
    deck.write_text(HEADER + GOOD_QUESTION.format(id="changed"), encoding="utf-8")
    changed = load_deck_file(deck, user=True, cache=cache)
    assert changed.deck is not None and changed.deck.questions[0].id == "changed"


def test_unwritable_cache_folder_still_loads(tmp_path: Path) -> None:
    deck = _write(tmp_path, "d.yaml", HEADER + GOOD_QUESTION.format(id="q"))
    blocker = _write(tmp_path, "not-a-folder", "x")
    entry = load_deck_file(deck, user=True, cache=DeckCache(blocker / "cache"))
    assert entry.deck is not None and entry.problems == ()
