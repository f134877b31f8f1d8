"""Summarising a report for people (no grader needed)."""

from __future__ import annotations

from quizapp.grading.render import (
    detail_lines,
    detailed_checks,
    group_failures,
    group_label,
    short_reason,
    split_diagnosis,
    tail,
    tally,
    verdict,
)
from quizapp.grading.report import CheckResult, Diagnosis, Report

MISMATCH = (
    "(16, 4) N(2,9): step 1 output: 64/64 values differ; max abs error 0.0941, max rel error "
    "1.01; [12,1] want 2.46343 got 2.36932, [8,0] want 1.99607 got 1.93338"
)
TRACEBACK = 'line 7, in forward: raise ValueError("oops")\nValueError: oops'


def test_short_reason_is_the_first_clause_or_the_exception() -> None:
    assert short_reason(MISMATCH) == "(16, 4) N(2,9): step 1 output: 64/64 values differ"
    assert short_reason(TRACEBACK) == "ValueError: oops"
    assert short_reason("SyntaxError: bad (line 1)\n    def (:") == "SyntaxError: bad (line 1)"
    assert short_reason("") == "failed"


def test_detail_lines_put_one_fact_a_line_and_keep_quoted_code() -> None:
    assert detail_lines(MISMATCH) == [
        "(16, 4) N(2,9): step 1 output: 64/64 values differ",
        "max abs error 0.0941, max rel error 1.01",
        "[12,1] want 2.46343 got 2.36932",
        "[8,0] want 1.99607 got 1.93338",
    ]
    assert detail_lines("line 3, in f: a = 1; b = 2\nNameError: x") == [
        "line 3, in f: a = 1; b = 2",
        "NameError: x",
    ]


def test_failures_group_by_reason_whatever_the_numbers() -> None:
    checks = [
        CheckResult("train and eval, default, float32", False, MISMATCH),
        CheckResult("train and eval, default, float64", False, MISMATCH.replace("64/64", "63/64")),
        CheckResult("state_dict keys (default)", True),
        CheckResult("gradients (train), default, float64", False, TRACEBACK),
        CheckResult("gradients (eval), default, float64", False, TRACEBACK),
        CheckResult("eval on a fresh module", False, "not run: the process ended first"),
    ]
    groups = group_failures(checks)
    assert [(g.label, len(g.checks)) for g in groups] == [
        ("train and eval, default (2 checks)", 2),
        ("gradients (2 checks)", 2),
        ("eval on a fresh module", 1),
    ]
    assert groups[1].reason == "ValueError: oops"


def test_group_labels() -> None:
    assert group_label(["a, x", "b, y"]) == "2 checks"
    assert group_label(["state_dict keys (default)", "state_dict keys (affine=False)"]) == (
        "state_dict keys (2 checks)"
    )
    assert group_label(["training with p=0.2: x", "training with p=0.5: x"]) == (
        "training with … (2 checks)"
    )


def test_diagnosis_splits_off_its_quiz_questions() -> None:
    plain = Diagnosis("m", "Do this. (quiz: q.one, q.two)")
    assert split_diagnosis(plain) == ("Do this.", ("q.one", "q.two"))
    assert split_diagnosis(Diagnosis("m", "Do this.", ("q.one",))) == ("Do this.", ("q.one",))


def test_detailed_checks_are_the_first_failure_and_the_first_crash() -> None:
    checks = (
        CheckResult("a", True),
        CheckResult("b", False, MISMATCH),
        CheckResult("c", False, MISMATCH),
        CheckResult("d", False, TRACEBACK),
        CheckResult("e", False, "said by the diagnosis"),
    )
    report = Report("x", False, checks, (Diagnosis("x.m", "said by the diagnosis"),), 1.234)
    assert [c.name for c in detailed_checks(report)] == ["b", "d"]
    assert verdict(report) == "FAILED" and tally(report) == "1 of 5 checks passed · 1.23s"
    only_said = Report("x", False, checks[4:], report.diagnosis)
    assert detailed_checks(only_said) == []


def test_tail_keeps_the_last_lines() -> None:
    assert tail("1\n2\n3\n", 2) == (["2", "3"], 1)
    assert tail("1\n2\n", None) == (["1", "2"], 0)
