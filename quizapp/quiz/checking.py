"""Checking an answer against a question: a verdict with a score and the feedback to show.

Pure functions. An answer's Python type depends on the question type: an int (choice index) for
single_choice, a set of ints for multiple_choice, a bool for true_false, the typed text for
numeric / short_answer / code_output, and the user's own rating for open questions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from quizapp.bank.model import (
    Choice,
    CodeOutput,
    Lang,
    MultipleChoice,
    Numeric,
    Open,
    Question,
    ShortAnswer,
    SingleChoice,
    Text,
    TrueFalse,
    text_in,
)
from quizapp.bank.patterns import pattern_search
from quizapp.quiz.normalize import fold, normalize_answer, normalize_output

SelfRating = Literal["again", "hard", "good", "easy"]
SELF_RATINGS: tuple[SelfRating, ...] = ("again", "hard", "good", "easy")
_SELF_SCORE = {"again": 0.0, "hard": 0.5, "good": 1.0, "easy": 1.0}

Answer = int | frozenset[int] | bool | str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one answer.

    `score` is in [0, 1]: 1 exactly when `correct`, partial credit only for multiple choice and
    self-rated open answers. `why` holds the per-choice explanations of what the user picked.
    """

    correct: bool
    score: float
    why: tuple[Text, ...] = ()
    message: str = ""


class AnswerError(ValueError):
    """The answer cannot be read at all (e.g. not a number); the user should try again."""


def check_answer(question: Question, answer: Answer | SelfRating) -> Verdict:
    """Grade `answer` for `question`."""
    if isinstance(question, SingleChoice):
        return _single(question, _as_index(answer, len(question.choices)))
    if isinstance(question, MultipleChoice):
        return _multiple(question, _as_indices(answer, len(question.choices)))
    if isinstance(question, TrueFalse):
        if not isinstance(answer, bool):
            raise AnswerError("answer true or false")
        return Verdict(answer == question.answer, float(answer == question.answer))
    if isinstance(question, Numeric):
        return _numeric(question, str(answer))
    if isinstance(question, ShortAnswer):
        ok = short_answer_matches(question, str(answer))
        return Verdict(ok, float(ok))
    if isinstance(question, CodeOutput):
        ok = normalize_output(str(answer)) == normalize_output(question.output)
        return Verdict(ok, float(ok))
    if isinstance(question, Open):
        if answer not in SELF_RATINGS:
            raise AnswerError("rate your answer: again, hard, good or easy")
        score = _SELF_SCORE[str(answer)]
        return Verdict(answer != "again", score)
    raise TypeError(f"unknown question type {type(question).__name__}")  # pragma: no cover


def _as_index(answer: object, n: int) -> int:
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < n:
        raise AnswerError(f"pick one choice, 1 to {n}")
    return answer


def _as_indices(answer: object, n: int) -> frozenset[int]:
    if not isinstance(answer, Collection) or isinstance(answer, str):
        raise AnswerError("pick one or more choices")
    picked = frozenset(answer)
    if not picked or not all(isinstance(i, int) and 0 <= i < n for i in picked):
        raise AnswerError(f"pick one or more choices, 1 to {n}")
    return picked


def _whys(choices: tuple[Choice, ...], picked: Collection[int]) -> tuple[Text, ...]:
    return tuple(w for i in sorted(picked) if (w := choices[i].why) is not None)


def _single(q: SingleChoice, picked: int) -> Verdict:
    ok = q.choices[picked].correct
    return Verdict(ok, float(ok), _whys(q.choices, [picked]))


def multiple_choice_score(correct: frozenset[int], picked: frozenset[int], n: int) -> float:
    """Share of correct choices picked minus share of wrong choices picked, floored at 0.

    1.0 only for the exact set; picking everything scores 0 unless every choice is correct.
    """
    n_wrong = n - len(correct)
    hits = len(picked & correct) / len(correct)
    misses = len(picked - correct) / n_wrong if n_wrong else 0.0
    return max(0.0, hits - misses)


def _multiple(q: MultipleChoice, picked: frozenset[int]) -> Verdict:
    correct = frozenset(i for i, c in enumerate(q.choices) if c.correct)
    score = multiple_choice_score(correct, picked, len(q.choices))
    ok = picked == correct
    message = "" if ok else f"{len(picked & correct)} of {len(correct)} correct choices picked"
    return Verdict(ok, 1.0 if ok else min(score, 0.99), _whys(q.choices, picked), message)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$")


def parse_number(text: str, unit: str | None = None) -> float:
    """A typed number: decimals, exponents, simple fractions (1/3), percentages, optional unit."""
    s = fold(text).replace(" ", "").replace("−", "-").replace("×10^", "e").replace("*10^", "e")
    if unit and s.endswith(fold(unit).replace(" ", "")):
        s = s[: -len(fold(unit).replace(" ", ""))]
    scale = 1.0
    if s.endswith("%") and (unit or "").strip() != "%":
        s, scale = s[:-1], 0.01
    try:
        if "/" in s:
            num, den = s.split("/", 1)
            return float(Fraction(num) / Fraction(den)) * scale
        if _NUMBER.match(s):
            value = float(s) * scale
            if math.isfinite(value):
                return value
    except (ValueError, ZeroDivisionError):
        pass
    raise AnswerError(f"'{text.strip()}' is not a number; type digits like 0.25, 1e-5 or 1/3")


def numeric_matches(q: Numeric, value: float) -> bool:
    """Whether `value` is within the question's absolute or relative tolerance of the answer."""
    tol = max(q.abs_tol or 0.0, (q.rel_tol or 0.0) * abs(q.answer))
    return abs(value - q.answer) <= tol


def _numeric(q: Numeric, typed: str) -> Verdict:
    ok = numeric_matches(q, parse_number(typed, q.unit))
    return Verdict(ok, float(ok))


def short_answer_matches(q: ShortAnswer, typed: str) -> bool:
    """Exact match after normalization against any accepted answer, or any pattern matching."""
    norm = normalize_answer(typed)
    if norm and any(norm == normalize_answer(a) for a in q.accept):
        return True
    folded = fold(typed)
    return any(pattern_search(p, folded) for p in q.patterns)


def expected_answer(q: Question, lang: Lang) -> str:
    """The right answer, as text to show after the user answered."""
    if isinstance(q, SingleChoice | MultipleChoice):
        return "; ".join(
            f"{i + 1}. {text_in(c.text, lang)}" for i, c in enumerate(q.choices) if c.correct
        )
    if isinstance(q, TrueFalse):
        return ("True" if q.answer else "False") if lang == "en" else ("对" if q.answer else "错")
    if isinstance(q, Numeric):
        return f"{q.answer:g}" + (f" {q.unit}" if q.unit else "")
    if isinstance(q, ShortAnswer):
        return q.accept[0] if q.accept else q.patterns[0]
    if isinstance(q, CodeOutput):
        return q.output.rstrip()
    return text_in(q.model_answer, lang)
