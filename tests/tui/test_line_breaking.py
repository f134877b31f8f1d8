"""CJK-aware wrapping: Chinese fills its lines on the real quiz screen, Latin words and numbers
are never split, and the patch still reaches Rich's and Textual's wrapping."""

from __future__ import annotations

import asyncio
import io
import itertools
import re
from pathlib import Path

import rich._wrap
import textual._wrap
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.strip import Strip
from textual.widgets import Static
from textual.widgets._markdown import MarkdownParagraph

from quizapp.bank.model import LocalizedText, MultipleChoice, Question, SingleChoice
from quizapp.study_records import StudySession
from quizapp.tui import line_breaking
from quizapp.tui.app import QuizApp, make_app
from quizapp.tui.line_breaking import NO_LINE_START, break_points
from quizapp.tui.screens.quiz import QuizScreen
from quizapp.tui.widgets.choices import ChoiceList

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff01-\uff0f\uff1a-\uff20]")
# An option's first row starts with its mark and number; the rows it wraps onto are indented.
OPTION_START = re.compile(r"^(?:[✔✘] )?\d+ (?:[☐☒] )?")


def wrapped(text: str, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), record=True, soft_wrap=False)
    console.print(Text(text))
    return console.export_text().rstrip("\n").split("\n")


def test_the_patch_reaches_rich_and_textual_wrapping() -> None:
    line_breaking.install()
    assert hasattr(rich._wrap.words, "__wrapped__") and hasattr(textual._wrap.chunks, "__wrapped__")
    # A run of Chinese after a space used to move to the next line whole.
    lines = wrapped("批归一化 在训练时用当前批次的统计量归一化并更新滑动统计量", 20)
    assert lines[0].rstrip() == "批归一化 在训练时用"
    assert all(cell_len(line.rstrip()) >= 18 for line in lines[:-1])
    offsets = textual._wrap.compute_wrap_offsets("一二三四五六七八九十", 8, 4)
    assert offsets == [4, 8]


def test_no_line_starts_with_closing_punctuation() -> None:
    line_breaking.install()
    for width in range(10, 40):  # narrower, "stats）。" (9 cells) itself must be folded
        lines = wrapped(
            "训练时用当前批次的统计量，推理时用滑动统计量（running stats）。对吗？", width
        )
        assert not any(line[:1] in NO_LINE_START for line in lines), (width, lines)
        assert not any(line.rstrip().endswith("（") for line in lines), (width, lines)


LATIN = st.from_regex(r"[A-Za-z_]{1,9}|[0-9]{1,4}(\.[0-9]{1,3})?|1e-[0-9]|x\^2", fullmatch=True)
CHINESE = st.from_regex(r"[\u4e00-\u4e20，。]{1,12}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.one_of(LATIN, CHINESE), st.sampled_from(["", " "])), min_size=1),
    st.integers(min_value=12, max_value=60),
)
def test_latin_words_and_numbers_are_never_split(tokens: list[tuple[str, str]], width: int) -> None:
    line_breaking.install()
    text = "".join(token + gap for token, gap in tokens).strip()
    lines = [line.strip() for line in wrapped(text, width)]
    for run in re.findall(r"[A-Za-z_0-9.^-]+", text):
        if cell_len(run) < width:
            assert any(run in line for line in lines), (run, lines)


@given(st.lists(LATIN, min_size=1), st.integers(min_value=5, max_value=40))
def test_text_without_cjk_wraps_exactly_as_before(words: list[str], width: int) -> None:
    line_breaking.install()
    text = " ".join(words)
    original = rich._wrap.words.__wrapped__  # type: ignore[attr-defined]
    assert list(rich._wrap.words(text)) == list(original(text))
    assert break_points(text.replace(" ", "")) == []


def _zh(value: object) -> str:
    return value.zh or "" if isinstance(value, LocalizedText) else ""


def _longest_chinese(app: QuizApp, count: int) -> list[Question]:
    """The choice questions with the most Chinese to read, and the longest with hints."""
    questions = [
        q for q in app.study.bank.questions if isinstance(q, SingleChoice | MultipleChoice)
    ]

    def size(q: SingleChoice | MultipleChoice) -> int:
        texts = [q.prompt, q.explanation, *(c.text for c in q.choices), *(c.why for c in q.choices)]
        return sum(len(_zh(t)) for t in texts)

    questions.sort(key=size, reverse=True)
    hinted = [q for q in questions if q.hints][:2]
    return list(dict.fromkeys([*questions[:count], *hinted]))


def _rows(strips: list[Strip], x: int, y: int, width: int, height: int) -> list[str]:
    return [strips[row].crop(x, x + width).text for row in range(y, y + height)]


def _underfilled(paragraph: list[str], width: int) -> list[tuple[str, str]]:
    """Rows of one paragraph that end short although the next row's first CJK unit fits."""
    found = []
    for row, following in itertools.pairwise(paragraph):
        first = following.lstrip()
        if not first or not CJK.match(first):
            continue
        word = first.split()[0]
        unit = word[: (break_points(word) or [len(word)])[0]]
        # One cell more than the unit: the break may have been a space the row does not show.
        if width - cell_len(row.rstrip()) > cell_len(unit):
            found.append((row, following))
    return found


def _option_paragraphs(rows: list[str], whys: list[str]) -> list[tuple[list[str], int]]:
    """Each option's text and each why as (rows without the hanging indent, their width)."""
    paragraphs: list[tuple[list[str], int]] = []
    indent = 0
    for row in rows:
        start = OPTION_START.match(row)
        if start:
            indent = start.end()
        body = row[indent:]
        new_why = any(why and body.startswith(why[:4]) for why in whys)
        if start or new_why:
            paragraphs.append(([], cell_len(row) - indent))
        paragraphs[-1][0].append(body)
    return paragraphs


def _screen_problems(app: QuizApp) -> list[tuple[str, str]]:
    screen = app.screen
    strips = screen._compositor.render_strips()
    problems = []
    for block in screen.query(MarkdownParagraph).results():
        region = block.content_region
        rows = _rows(strips, region.x, region.y, region.width, region.height)
        problems += _underfilled(rows, region.width)
    hints = screen.query_one("#hints", Static)
    if hints.display:
        region = hints.content_region
        rows = _rows(strips, region.x, region.y, region.width, region.height)
        for hint in re.split(r"\n(?=提示 \d)", "\n".join(rows)):
            problems += _underfilled(hint.split("\n"), region.width)
    choices = screen.query_one(ChoiceList)
    region = choices.content_region
    rows = _rows(strips, region.x, region.y, region.width, region.height)
    whys = [re.sub(r"[`*]", "", c.why) for c in choices.choices if c.why and choices.answered]
    for paragraph, width in _option_paragraphs(rows, whys):
        problems += _underfilled(paragraph, width)
    return problems


def test_shipped_chinese_fills_its_lines_at_80_columns(tmp_path: Path) -> None:
    asyncio.run(_shipped_chinese_fills_its_lines(tmp_path))


async def _shipped_chinese_fills_its_lines(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    questions = _longest_chinese(app, 6)
    # Tall enough that nothing scrolls: every row of every question is on the screen at once.
    async with app.run_test(size=(80, 160)) as pilot:
        app.toggle_language()
        await app.push_screen(QuizScreen(StudySession("zh", questions)))
        await pilot.pause()
        checked_rows = 0
        for q in questions:
            for _ in q.hints:
                await pilot.press("h")
            await pilot.pause()
            before = _screen_problems(app)
            await pilot.press("1")
            if isinstance(q, MultipleChoice):
                await pilot.press("enter")
            await pilot.pause()
            after = _screen_problems(app)
            assert (before, after) == ([], []), q.id
            checked_rows += len(app.screen.query_one(ChoiceList).choices)
            await pilot.press("n")
            await pilot.pause()
        assert checked_rows > 20
