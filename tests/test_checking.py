"""Answer checking: per type, with property tests for tolerance, normalization and scoring."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from quizapp.bank.model import (
    Choice,
    CodeOutput,
    MultipleChoice,
    Numeric,
    Open,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from quizapp.quiz.checking import (
    AnswerError,
    check_answer,
    expected_answer,
    multiple_choice_score,
    parse_number,
)
from quizapp.quiz.normalize import normalize_answer

BASE = {"id": "t.q", "prompt": "p", "explanation": "e"}


def _choices(correct: list[bool]) -> tuple[Choice, ...]:
    return tuple(Choice(text=f"c{i}", correct=c, why=f"why{i}") for i, c in enumerate(correct))


def test_single_choice_right_and_wrong_with_why() -> None:
    q = SingleChoice(**BASE, type="single_choice", choices=_choices([False, True, False]))
    right, wrong = check_answer(q, 1), check_answer(q, 2)
    assert (right.correct, right.score, right.why) == (True, 1.0, ("why1",))
    assert (wrong.correct, wrong.score, wrong.why) == (False, 0.0, ("why2",))
    with pytest.raises(AnswerError):
        check_answer(q, 3)
    assert expected_answer(q, "en") == "2. c1"


@given(
    correct=st.lists(st.booleans(), min_size=2, max_size=9).filter(any),
    data=st.data(),
)
def test_multiple_choice_score_is_one_exactly_for_the_right_set(
    correct: list[bool], data: st.DataObject
) -> None:
    n = len(correct)
    picked = data.draw(st.frozensets(st.integers(0, n - 1), min_size=1))
    q = MultipleChoice(**BASE, type="multiple_choice", choices=_choices(correct))
    verdict = check_answer(q, picked)
    right = frozenset(i for i, c in enumerate(correct) if c)
    assert 0.0 <= verdict.score <= 1.0
    assert verdict.correct == (picked == right)
    assert (verdict.score == 1.0) == (picked == right)


@given(
    correct=st.lists(st.booleans(), min_size=3, max_size=9).filter(lambda c: any(c) and not all(c)),
    data=st.data(),
)
def test_multiple_choice_adding_a_wrong_pick_never_raises_the_score(
    correct: list[bool], data: st.DataObject
) -> None:
    n = len(correct)
    right = frozenset(i for i, c in enumerate(correct) if c)
    wrong = sorted(set(range(n)) - right)
    picked = data.draw(st.frozensets(st.integers(0, n - 1)))
    extra = data.draw(st.sampled_from(wrong))
    assume(extra not in picked)
    assert multiple_choice_score(right, picked | {extra}, n) <= multiple_choice_score(
        right, picked, n
    )


def test_multiple_choice_picking_everything_scores_zero() -> None:
    assert multiple_choice_score(frozenset({0, 1}), frozenset({0, 1, 2, 3}), 4) == 0.0


def _numeric(answer: float, abs_tol: float | None = None, rel_tol: float | None = None) -> Numeric:
    return Numeric(
        **BASE, type="numeric", answer=answer, abs_tol=abs_tol, rel_tol=rel_tol, unit=None
    )


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
tolerance = st.floats(1e-6, 10.0)


@given(answer=finite, tol=tolerance, frac=st.floats(0.0, 0.999))
def test_numeric_accepts_inside_absolute_tolerance(answer: float, tol: float, frac: float) -> None:
    typed = repr(answer + frac * tol)
    assert check_answer(_numeric(answer, abs_tol=tol), typed).correct


@given(answer=finite, tol=tolerance, over=st.floats(1.001, 100.0))
def test_numeric_rejects_outside_absolute_tolerance(answer: float, tol: float, over: float) -> None:
    typed_value = answer - over * tol
    assume(abs(typed_value - answer) > tol * 1.0005)
    assert not check_answer(_numeric(answer, abs_tol=tol), repr(typed_value)).correct


@given(
    answer=finite.filter(lambda a: abs(a) > 1e-3),
    rel=st.floats(1e-4, 0.5),
    frac=st.floats(-0.99, 0.99),
)
def test_numeric_relative_tolerance_scales_with_the_answer(
    answer: float, rel: float, frac: float
) -> None:
    typed = repr(answer * (1 + frac * rel))
    assert check_answer(_numeric(answer, rel_tol=rel), typed).correct


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("0.25", 0.25),
        ("1/4", 0.25),
        ("25%", 0.25),
        (" ０．２５ ", 0.25),
        ("2.5e-1", 0.25),
        ("-1E3", -1000.0),
        ("1.6667", 1.6667),
        (".5", 0.5),
        ("−2", -2.0),
    ],
)
def test_parse_number_reads_the_forms_people_type(typed: str, value: float) -> None:
    assert math.isclose(parse_number(typed), value)


@pytest.mark.parametrize("typed", ["", "abc", "1/0", "nan", "inf", "1..2", "0x10"])
def test_parse_number_rejects_non_numbers_with_a_message(typed: str) -> None:
    with pytest.raises(AnswerError, match="not a number"):
        parse_number(typed)


def test_numeric_unit_may_be_typed() -> None:
    q = Numeric(**BASE, type="numeric", answer=12.0, abs_tol=0.5, unit="ms")
    assert check_answer(q, "12 ms").correct


def _short(accept: tuple[str, ...] = (), patterns: tuple[str, ...] = ()) -> ShortAnswer:
    return ShortAnswer(**BASE, type="short_answer", accept=accept, patterns=patterns)


# Letters whose upper case folds back to themselves (not e.g. the dotless i), so that the
# test's own upper-casing is a change of case and nothing else.
word = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=12
).filter(lambda w: w.upper().casefold() == w.casefold())


@given(words=st.lists(word, min_size=1, max_size=4), data=st.data())
def test_short_answer_ignores_case_spacing_punctuation_and_width(
    words: list[str], data: st.DataObject
) -> None:
    accepted = " ".join(words)
    assume(normalize_answer(accepted))
    # A hyphen or point between digits is a minus or a decimal point: see the formula test.
    seps = st.sampled_from([" ", "  ", ", ", "\u3000", "_", "·"])
    typed = data.draw(seps).join(words).upper()
    typed = typed.translate({ord(c): ord(c) + 0xFEE0 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
    assert check_answer(_short(accept=(accepted,)), f"  {typed}!  ").correct


def test_short_answer_rejects_other_words_and_matches_patterns() -> None:
    q = _short(accept=("unbiased variance", "无偏方差"), patterns=(r"\bbessel\b",))
    assert check_answer(q, "Unbiased-Variance").correct
    assert check_answer(q, "无偏 方差。").correct
    assert check_answer(q, "I'd apply Bessel's correction").correct
    assert not check_answer(q, "biased variance").correct
    assert not check_answer(q, "").correct


def test_short_answer_keeps_what_a_formula_means() -> None:
    q = _short(accept=("N/(N-1)",))
    assert check_answer(q, "n / (n − 1)").correct  # spacing, case and the Unicode minus
    assert not check_answer(q, "N/N-1").correct  # a different formula, not a spelling
    assert not check_answer(q, "NN1").correct
    assert not check_answer(_short(accept=("0.5",)), "05").correct
    assert check_answer(_short(accept=("RMSNorm",)), "rms-norm").correct  # a hyphenated word


def test_true_false_and_code_output_and_open() -> None:
    tf = TrueFalse(**BASE, type="true_false", answer=False)
    assert check_answer(tf, False).correct and not check_answer(tf, True).correct
    co = CodeOutput(**BASE, type="code_output", code="print(1)", output="False\nTrue\n")
    assert check_answer(co, "  false \n true").correct
    assert not check_answer(co, "True\nFalse").correct
    op = Open(**BASE, type="open", model_answer="m", rubric=("r",))
    assert check_answer(op, "good").correct and not check_answer(op, "again").correct
    assert check_answer(op, "hard").score == 0.5
    with pytest.raises(AnswerError):
        check_answer(op, "perfect")
