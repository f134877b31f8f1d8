"""The shipped bank is valid, complete in both languages, and its answer keys are computed.

Every `code_output` snippet is executed and must print exactly its stated output; every numeric
question's `solution_code` is executed and must print its answer within the stated tolerance.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.bank.loader import load_bank
from quizapp.bank.model import (
    CodeOutput,
    LocalizedText,
    MultipleChoice,
    Numeric,
    Open,
    Question,
    SingleChoice,
    has_language,
)

BANK = load_bank()
RUNNER = Path(__file__).with_name("snippet_runner.py")


def test_shipped_bank_has_no_problems() -> None:
    assert [str(p) for p in BANK.problems] == []


def _texts(q: Question) -> list[tuple[str, object]]:
    fields: list[tuple[str, object]] = [("prompt", q.prompt), ("explanation", q.explanation)]
    if isinstance(q, SingleChoice | MultipleChoice):
        for i, c in enumerate(q.choices):
            fields.append((f"choices[{i}].text", c.text))
            if c.why is not None:
                fields.append((f"choices[{i}].why", c.why))
    if isinstance(q, Open):
        fields.append(("model_answer", q.model_answer))
        fields.extend((f"rubric[{i}]", r) for i, r in enumerate(q.rubric))
    fields.extend((f"hints[{i}]", h) for i, h in enumerate(q.hints))
    return fields


def test_every_question_has_chinese_text() -> None:
    missing = [
        f"{q.id}: {name}"
        for q in BANK.questions
        for name, value in _texts(q)
        if isinstance(value, str | LocalizedText) and not has_language(value, "zh")
    ]
    assert missing == []


def _run(snippets: list[str]) -> list[dict[str, str]]:
    proc = subprocess.run(
        [sys.executable, str(RUNNER)],
        input=json.dumps(snippets),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(proc.stdout)


def _normalized(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


CODE_OUTPUT = [q for q in BANK.questions if isinstance(q, CodeOutput)]
NUMERIC_WITH_CODE = [q for q in BANK.questions if isinstance(q, Numeric) and q.solution_code]


@pytest.fixture(scope="module")
def snippet_results() -> dict[str, dict[str, str]]:
    codes = [q.code for q in CODE_OUTPUT] + [q.solution_code or "" for q in NUMERIC_WITH_CODE]
    ids = [q.id for q in CODE_OUTPUT] + [q.id for q in NUMERIC_WITH_CODE]
    return dict(zip(ids, _run(codes), strict=True))


@pytest.mark.parametrize("question", CODE_OUTPUT, ids=lambda q: q.id)
def test_code_output_prints_what_the_bank_says(
    question: CodeOutput, snippet_results: dict[str, dict[str, str]]
) -> None:
    result = snippet_results[question.id]
    assert result["error"] == ""
    assert _normalized(result["stdout"]) == _normalized(question.output)


@pytest.mark.parametrize("question", NUMERIC_WITH_CODE, ids=lambda q: q.id)
def test_numeric_answer_is_what_its_code_computes(
    question: Numeric, snippet_results: dict[str, dict[str, str]]
) -> None:
    result = snippet_results[question.id]
    assert result["error"] == ""
    printed = float(result["stdout"].split()[-1])
    tol = max(question.abs_tol or 0.0, (question.rel_tol or 0.0) * abs(printed))
    assert abs(printed - question.answer) <= tol


def test_every_numeric_answer_is_computed_by_code() -> None:
    assert [q.id for q in BANK.questions if isinstance(q, Numeric) and not q.solution_code] == []
