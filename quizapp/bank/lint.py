"""Author warnings: a valid deck that is still an unfair test (`quizapp validate` shows them).

A deck can be valid and yet let a user score without knowing the answer: the right option is
the longest one far more often than chance, a prompt quotes an option's explanation, two
questions ask the same thing, or a numeric prompt asks for more or fewer decimals than its
answer has. These are warnings, not errors (`validate --strict` makes them errors); they read
only the loaded questions and never run code from a deck.
"""

from __future__ import annotations

import ast
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

from quizapp.bank.loader import Bank
from quizapp.bank.model import (
    CodeOutput,
    Lang,
    LoadedDeck,
    MultipleChoice,
    Numeric,
    Question,
    SingleChoice,
    Text,
    text_in,
)
from quizapp.bank.problems import Problem

# A deck gets the length warning from this many single-choice questions on (fewer prove little).
MIN_QUESTIONS_FOR_LENGTH = 4
# Share of prompt words two questions must have in common to count as near-duplicates.
NEAR_DUPLICATE = 0.6
MIN_WORDS = 8  # shorter prompts ("What does this print?") are compared with their code
# Words of an option's `why` that a prompt or another option may not quote in a row (a CJK
# character counts as a word, so Chinese needs a longer run to mean as much).
QUOTED_WORDS = {"en": 6, "zh": 12}
# A word in more prompts than this is too common to suggest a duplicate on its own.
COMMON_WORD_SHARE = 0.2
COMMON_WORD_CAP = 40

_WORD = re.compile(r"[a-z0-9_]+|[\u4e00-\u9fff]")
_STOP = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "does", "do", "for", "from", "how", "in"}
    | {"is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "what", "when"}
    | {"which", "with", "why", "you", "your"}
)
_DECIMALS_ASKED = re.compile(
    r"(\d+)\s+decimal(?:\s+places?|s)?|保留\s*(\d+)\s*位小数|(\d+)\s*位小数", re.IGNORECASE
)
_FORMAT_DECIMALS = re.compile(r"\.(\d+)[fe%]")


def lint_bank(bank: Bank) -> list[Problem]:
    """Every author warning for the bank's decks, in deck order."""
    lines = _QuestionLines()
    warnings: list[Problem] = []
    for deck in bank.decks:
        warnings.extend(_length_cue(deck, lines))
        for question in deck.questions:
            warnings.extend(_quoted_why(deck, question, lines))
            warnings.extend(_decimals(deck, question, lines))
    warnings.extend(_near_duplicates(bank.decks, lines))
    return warnings


class _QuestionLines:
    """The line of each question's `id:` in its file, read once per file when first asked."""

    def __init__(self) -> None:
        self._files: dict[str, dict[str, int]] = {}

    def __call__(self, deck: LoadedDeck, question_id: str) -> int:
        if deck.path not in self._files:
            found: dict[str, int] = {}
            try:
                text = Path(deck.path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                text = ""
            for n, line in enumerate(text.splitlines(), start=1):
                match = re.match(r"\s*-?\s*\{?\s*id:\s*['\"]?([^'\"#,}\s]+)", line)
                if match:
                    found.setdefault(match[1], n)
            self._files[deck.path] = found
        return self._files[deck.path].get(question_id, 1)


def _warn(deck: LoadedDeck, line: int, message: str) -> Problem:
    return Problem(deck.path, line, f"warning: {message}")


def _languages(texts: Iterable[Text]) -> list[Lang]:
    """The languages every one of `texts` is written in (English always)."""
    both: tuple[Lang, ...] = ("en", "zh")
    found = set(both)
    for text in texts:
        if isinstance(text, str):
            found &= {"en"}
        else:
            found &= {lang for lang in both if getattr(text, lang, None)}
    return [lang for lang in both if lang in found or lang == "en"]


def _length_cue(deck: LoadedDeck, lines: _QuestionLines) -> list[Problem]:
    singles = [q for q in deck.questions if isinstance(q, SingleChoice)]
    if len(singles) < MIN_QUESTIONS_FOR_LENGTH:
        return []
    warnings = []
    for lang in _languages(c.text for q in singles for c in q.choices):
        longest = [q for q in singles if _correct_is_longest(q, lang)]
        # By chance the right option is the longest in 1/k of questions with k options.
        expected = sum(1 / len(q.choices) for q in singles)
        spread = math.sqrt(sum((1 / len(q.choices)) * (1 - 1 / len(q.choices)) for q in singles))
        if len(longest) > max(len(singles) / 3, expected + 2 * spread):
            shown = ", ".join(q.id for q in longest[:4]) + (", ..." if len(longest) > 4 else "")
            warnings.append(
                _warn(
                    deck,
                    lines(deck, longest[0].id),
                    f"the right option is the longest in {len(longest)} of {len(singles)} "
                    f"single-choice questions ({lang}; chance is about {expected:.0f}), so "
                    f"length gives the answer away: make wrong options as long and specific "
                    f"as the right one ({shown})",
                )
            )
    return warnings


def _correct_is_longest(question: SingleChoice, lang: Lang) -> bool:
    lengths = [len(text_in(c.text, lang)) for c in question.choices]
    right = next(i for i, c in enumerate(question.choices) if c.correct)
    return all(lengths[right] > n for i, n in enumerate(lengths) if i != right)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    """Every run of `size` words that is not all filler words."""
    runs = (tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    return {run for run in runs if not all(w in _STOP for w in run)}


def _quoted_why(deck: LoadedDeck, question: Question, lines: _QuestionLines) -> list[Problem]:
    if not isinstance(question, SingleChoice | MultipleChoice):
        return []
    warnings = []
    for lang in _languages([question.prompt]):
        size = QUOTED_WORDS[lang]
        prompt = _runs(_words(text_in(question.prompt, lang)), size)
        for i, choice in enumerate(question.choices):
            if choice.why is None:
                continue
            why = _runs(_words(text_in(choice.why, lang)), size)
            where = ["the prompt"] if prompt & why else []
            where += [
                f"right option {j + 1}"
                for j, other in enumerate(question.choices)
                if j != i and other.correct and _runs(_words(text_in(other.text, lang)), size) & why
            ]
            if where:
                warnings.append(
                    _warn(
                        deck,
                        lines(deck, question.id),
                        f"{question.id}: {' and '.join(where)} ({lang}) quotes the explanation "
                        f"of option {i + 1}, so reading it answers the question: reword one",
                    )
                )
    return warnings


def _decimals(deck: LoadedDeck, question: Question, lines: _QuestionLines) -> list[Problem]:
    if not isinstance(question, Numeric):
        return []
    asked = {
        int(next(g for g in m.groups() if g))
        for lang in ("en", "zh")
        for m in _DECIMALS_ASKED.finditer(text_in(question.prompt, lang))
    }
    if len(asked) != 1:
        return []
    [places] = asked
    problems = []
    if round(question.answer, places) != question.answer:
        problems.append(f"the answer {question.answer:g} has more")
    printed = _printed_decimals(question.solution_code or "")
    if printed and printed != {places}:
        problems.append(f"solution_code prints {', '.join(map(str, sorted(printed)))}")
    if not problems:
        return []
    return [
        _warn(
            deck,
            lines(deck, question.id),
            f"{question.id}: the prompt asks for {places} decimals but {' and '.join(problems)}; "
            "make them agree so a right answer typed as asked is accepted",
        )
    ]


def _printed_decimals(code: str) -> set[int]:
    """Decimals the code formats numbers with: `round(x, N)`, f"{x:.Nf}", "%.Nf" % x.

    The code is parsed, never run (a deck may come from a stranger).
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    found: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "round"
            and len(node.args) == 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, int)
        ):
            found.add(node.args[1].value)
        elif isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            spec = "".join(
                str(v.value) for v in node.format_spec.values if isinstance(v, ast.Constant)
            )
            found.update(int(m[1]) for m in _FORMAT_DECIMALS.finditer(spec))
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
        ):
            found.update(int(m[1]) for m in _FORMAT_DECIMALS.finditer(node.left.value))
    return found


def _comparable(question: Question) -> set[str]:
    text = text_in(question.prompt, "en")
    if isinstance(question, CodeOutput):
        text += " " + question.code
    return {w for w in _words(text) if w not in _STOP}


def _near_duplicates(decks: list[LoadedDeck], lines: _QuestionLines) -> list[Problem]:
    entries = [(deck, q, _comparable(q)) for deck in decks for q in deck.questions]
    entries = [e for e in entries if len(e[2]) >= MIN_WORDS]
    # Only pairs that share an uncommon word are compared: linear in practice, not quadratic.
    holders: dict[str, list[int]] = defaultdict(list)
    for n, (_, _, words) in enumerate(entries):
        for word in words:
            holders[word].append(n)
    limit = max(2, min(COMMON_WORD_CAP, int(len(entries) * COMMON_WORD_SHARE)))
    pairs = {
        pair for group in holders.values() if len(group) <= limit for pair in combinations(group, 2)
    }
    warnings = []
    for a, b in sorted(pairs):
        deck_a, qa, wa = entries[a]
        deck_b, qb, wb = entries[b]
        overlap = len(wa & wb) / len(wa | wb)
        if overlap >= NEAR_DUPLICATE:
            where_b = f"{deck_b.path}:{lines(deck_b, qb.id)}"
            warnings.append(
                _warn(
                    deck_a,
                    lines(deck_a, qa.id),
                    f"{qa.id} and {qb.id} ({where_b}) ask nearly the same thing "
                    f"({overlap:.0%} of their words); merge them or make each ask what the "
                    "other does not",
                )
            )
    return warnings
