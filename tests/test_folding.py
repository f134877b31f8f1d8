"""Folded deck text: line breaks the author typed between CJK characters vanish on loading,
everything else (code, lists, paragraphs, English soft breaks) reaches the screens unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.bank.drill import load_drills
from quizapp.bank.folding import join_folded_lines
from quizapp.bank.loader import SHIPPED_BANK, load_bank
from quizapp.bank.model import CodeOutput, LocalizedText, Numeric, Open, SingleChoice

CJK_BREAK = re.compile(
    r"[\u4e00-\u9fff，。、；：！？）」』]\n[\u4e00-\u9fff（「『]"
    r"|\S\n[，。、；：（）]|[，。、；：（）]\n(?!\d+\. |- )\S"  # a list item starts its own line
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("偏小：\n对", "偏小：对"),
        ("先算均值、\n再用方差", "先算均值、再用方差"),
        ("训练（train）\n  与推理", "训练（train）与推理"),
        # Full-width punctuation has its own spacing: no space beside it, whatever the side.
        ("`var`\n（有偏）", "`var`（有偏）"),
        ("如下。\nPyTorch 中", "如下。PyTorch 中"),
        # A break next to a Latin word stays a soft break (a space on screen).
        ("用 PyTorch\n实现", "用 PyTorch\n实现"),
        ("an English\nsentence", "an English\nsentence"),
        # Paragraph breaks, hard breaks and headings keep their lines.
        ("第一段。\n\n第二段。", "第一段。\n\n第二段。"),
        ("硬换行  \n下一行", "硬换行  \n下一行"),
        ("# 标题\n正文", "# 标题\n正文"),
        # List structure: items stay items, a folded item joins its own continuation.
        ("1. 第一项，\n   接着写\n2. 第二项", "1. 第一项，接着写\n2. 第二项"),
        ("- 甲\n- 乙", "- 甲\n- 乙"),
        # Code is never touched: fenced, indented, or inline across a break.
        ("```\n张量\n形状\n```", "```\n张量\n形状\n```"),
        ("说明：\n\n    代码\n    代码", "说明：\n\n    代码\n    代码"),
        ("见 `注释\n内容` 一节", "见 `注释\n内容` 一节"),
    ],
)
def test_breaks_between_cjk_characters_are_joined_and_nothing_else(
    source: str, expected: str
) -> None:
    assert join_folded_lines(source) == expected


@given(st.text(alphabet=st.sampled_from("ab 1`*-\n中文，。（）")))
def test_joining_only_ever_removes_a_line_break_and_the_indent_around_it(source: str) -> None:
    joined = join_folded_lines(source)
    assert "".join(joined.split()) == "".join(source.split())
    assert joined.count("\n") <= source.count("\n")
    assert join_folded_lines(joined) == joined


@given(st.text(alphabet=st.sampled_from("ab 1`*-#>\n.")))
def test_text_without_cjk_is_left_exactly_as_written(source: str) -> None:
    assert join_folded_lines(source) == source


def _prose(question: object) -> list[str]:
    texts: list[str] = []
    for name in ("prompt", "explanation", "model_answer"):
        value = getattr(question, name, None)
        if isinstance(value, LocalizedText):
            texts += [value.en, value.zh or ""]
    for choice in getattr(question, "choices", ()):
        for value in (choice.text, choice.why):
            if isinstance(value, LocalizedText):
                texts += [value.en, value.zh or ""]
    return texts


def _outside_code(text: str) -> str:
    return re.sub(r"```.*?```", "", text, flags=re.DOTALL)


def test_the_shipped_bank_loads_with_no_folded_cjk_break_left_in_its_prose() -> None:
    bank = load_bank()
    raw = "".join(p.read_text(encoding="utf-8") for p in SHIPPED_BANK.glob("*.yaml"))
    folded_in_source = re.compile(CJK_BREAK.pattern.replace("\\n", "\\n *"))
    assert folded_in_source.search(raw), "the decks no longer fold Chinese: pick another check"
    left = [
        text for q in bank.questions for text in _prose(q) if CJK_BREAK.search(_outside_code(text))
    ]
    assert left == []


def test_code_fields_keep_every_line_break(tmp_path: Path) -> None:
    deck = tmp_path / "d.yaml"
    deck.write_text(
        "format_version: 1\ntitle: T\nquestions:\n"
        "  - id: c\n    type: code_output\n"
        "    prompt:\n      en: p\n      zh: |\n        运行\n        这段代码\n"
        "    explanation: e\n"
        "    code: |\n      print('中')\n      print('文')\n"
        "    output: |\n      中\n      文\n"
        "  - id: n\n    type: numeric\n    prompt: p\n    explanation: e\n    answer: 1\n"
        "    abs_tol: 0\n    solution_code: |\n      # 中\n      # 文\n      print(1)\n",
        encoding="utf-8",
    )
    bank = load_bank([tmp_path], shipped=False)
    assert bank.problems == []
    code, numeric = bank.questions
    assert isinstance(code, CodeOutput) and isinstance(numeric, Numeric)
    assert code.code == "print('中')\nprint('文')\n" and code.output == "中\n文\n"
    assert numeric.solution_code == "# 中\n# 文\nprint(1)\n"
    assert isinstance(code.prompt, LocalizedText) and code.prompt.zh == "运行这段代码\n"


def test_choices_whys_hints_rubrics_and_drill_texts_are_joined_too(tmp_path: Path) -> None:
    deck = tmp_path / "d.yaml"
    deck.write_text(
        'format_version: 1\ntitle: T\ndescription: {en: d, zh: "说\\n明"}\nquestions:\n'
        "  - id: s\n    type: single_choice\n    prompt: p\n    explanation: e\n"
        '    hints: [{en: h, zh: "提\\n示"}]\n'
        '    choices:\n      - {text: {en: a, zh: "选\\n项"}, why: {en: w, zh: "原\\n因"},'
        " correct: true}\n      - {text: b}\n"
        "  - id: o\n    type: open\n    prompt: p\n    explanation: e\n"
        '    model_answer: {en: m, zh: "答\\n案"}\n    rubric: [{en: r, zh: "要\\n点"}]\n',
        encoding="utf-8",
    )
    bank = load_bank([tmp_path], shipped=False)
    assert bank.problems == []
    choice_q, open_q = bank.questions
    assert isinstance(choice_q, SingleChoice) and isinstance(open_q, Open)
    zh = [
        bank.decks[0].description,
        choice_q.hints[0],
        choice_q.choices[0].text,
        choice_q.choices[0].why,
        open_q.model_answer,
        open_q.rubric[0],
    ]
    assert [t.zh for t in zh if isinstance(t, LocalizedText)] == [
        "说明",
        "提示",
        "选项",
        "原因",
        "答案",
        "要点",
    ]
    drills = load_drills().drills.values()
    assert not any(CJK_BREAK.search(_outside_code(d.statement.zh or "")) for d in drills)
