"""Author warnings: decks that are valid but give answers away are flagged, fair ones are not."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.bank.lint import lint_bank
from quizapp.bank.loader import load_bank
from quizapp.cli import main

HEADER = "format_version: 1\ntitle: T\nquestions:\n"


def _single(n: int, right: str, wrong: str, prompt: str = "Which one?") -> str:
    return f"""\
  - id: q{n}
    type: single_choice
    prompt: "{prompt} ({n})"
    explanation: e
    choices:
      - {{text: "{right}", correct: true}}
      - {{text: "{wrong}"}}
      - {{text: "{wrong} too"}}
"""


def _warnings(tmp_path: Path, body: str) -> list[str]:
    (tmp_path / "deck.yaml").write_text(HEADER + body, encoding="utf-8")
    bank = load_bank([tmp_path], shipped=False)
    assert bank.problems == []
    return [str(w) for w in lint_bank(bank)]


def test_the_right_option_longest_in_most_questions_is_flagged(tmp_path: Path) -> None:
    body = "".join(_single(n, "a long and careful right answer", "short") for n in range(6))
    [warning] = _warnings(tmp_path, body)
    assert warning.startswith(f"{tmp_path / 'deck.yaml'}:4: warning: ")
    assert "longest in 6 of 6" in warning and "q0, q1, q2, q3, ..." in warning


def test_lengths_that_vary_are_not_flagged(tmp_path: Path) -> None:
    body = "".join(
        _single(n, "right", "a wrong option written at length") if n % 2 else _single(n, "r", "w")
        for n in range(6)
    )
    assert _warnings(tmp_path, body) == []


def test_a_prompt_quoting_an_options_explanation_is_flagged(tmp_path: Path) -> None:
    body = """\
  - id: quoted
    type: single_choice
    prompt: Since running_var keeps the unbiased estimate of the variance, what is normalized?
    explanation: e
    choices:
      - {text: batch statistics, correct: true}
      - {text: running statistics, why: "running_var keeps the unbiased estimate of the variance"}
"""
    [warning] = _warnings(tmp_path, body)
    assert "quoted: the prompt (en) quotes the explanation of option 2" in warning


def test_near_duplicate_prompts_name_both_questions(tmp_path: Path) -> None:
    prompt = "After one training step of BatchNorm1d with momentum 0.1 what is running_var"
    body = "".join(
        f"  - {{id: dup{n}, type: true_false, prompt: '{prompt} {suffix}', explanation: e, "
        "answer: true}\n"
        for n, suffix in enumerate(["now?", "then?"])
    )
    [warning] = _warnings(tmp_path, body)
    assert "dup0 and dup1" in warning and "deck.yaml:5)" in warning


@pytest.mark.parametrize(
    ("answer", "code", "flagged"),
    [
        ("0.5345", "print(f'{x:.3f}')", "the answer 0.5345 has more"),
        ("0.535", "print(f'{x:.4f}')", "solution_code prints 4"),
        ("0.535", "print(round(x, 3))", None),
        ("0.535", "print(round(abs(x.item()), 4))", "solution_code prints 4"),
        ("0.535", "print('%.4f' % x)", "solution_code prints 4"),
        ("0.535", "print(f'{x:.3f}')", None),
    ],
)
def test_decimals_asked_and_given_must_agree(
    tmp_path: Path, answer: str, code: str, flagged: str | None
) -> None:
    body = f"""\
  - id: num
    type: numeric
    prompt: {{en: Give x to 3 decimal places., zh: 结果保留 3 位小数。}}
    explanation: e
    answer: {answer}
    abs_tol: 0.001
    solution_code: "x = 0.5345\\n{code}"
"""
    warnings = _warnings(tmp_path, body)
    if flagged is None:
        assert warnings == []
    else:
        [warning] = warnings
        assert flagged in warning and "asks for 3 decimals" in warning


def test_validate_reports_warnings_and_strict_makes_them_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "".join(_single(n, "a long and careful right answer", "short") for n in range(6))
    (tmp_path / "deck.yaml").write_text(HEADER + body, encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "warning: the right option is the longest" in out
    assert "OK: 6 questions in 1 decks" in out and "1 warning(s)" in out
    assert main(["validate", "--strict", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "warning:" in captured.out and "--strict counts warnings" in captured.err


def test_the_shipped_bank_passes_strict_validation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--strict"]) == 0, capsys.readouterr().out


text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)


@settings(max_examples=60, deadline=None)
@given(prompt=text, options=st.lists(text, min_size=2, max_size=5), why=text)
def test_any_valid_deck_lints_without_raising(
    tmp_path_factory: pytest.TempPathFactory, prompt: str, options: list[str], why: str
) -> None:
    from quizapp.bank.loader import Bank
    from quizapp.bank.model import Choice, LoadedDeck, SingleChoice

    choices = tuple(
        Choice(text=o, correct=i == 0, why=why if i else None) for i, o in enumerate(options)
    )
    questions = tuple(
        SingleChoice(
            id=f"q{n}", prompt=prompt, explanation="e", type="single_choice", choices=choices
        )
        for n in range(5)
    )
    path = tmp_path_factory.mktemp("deck") / "d.yaml"
    deck = LoadedDeck(deck_id="d", path=str(path), title="T", description=None, questions=questions)
    for warning in lint_bank(Bank(decks=[deck])):
        assert warning.line >= 1 and warning.message.startswith("warning: ")
