"""The answer area of a quiz card: the right input for each question type, from the keyboard.

Number keys pick a choice (single choice, true/false) or toggle it (multiple choice, where space
toggles too and Enter submits); typed answers submit with Enter; an open question reveals its
model answer on Enter and is then rated with 1-4. Whatever the type, the area posts one
`AnswerArea.Submitted` message carrying the answer in the form `quiz.checking` expects.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, SelectionList
from textual.widgets.option_list import Option

from quizapp.bank.model import (
    CodeOutput,
    Lang,
    MultipleChoice,
    Numeric,
    Open,
    Question,
    SingleChoice,
    TrueFalse,
    text_in,
)
from quizapp.quiz.checking import SELF_RATINGS, Answer, SelfRating

PLACEHOLDERS = {
    "numeric": {
        "en": "a number, e.g. 0.25 or 1e-5; Enter to answer",
        "zh": "输入数字，如 0.25 或 1e-5；回车提交",
    },
    "short_answer": {"en": "your answer; Enter to answer", "zh": "输入答案；回车提交"},
    "code_output": {
        "en": "what it prints (lines may be typed on one line)",
        "zh": "输出内容（多行可写在一行）",
    },
    "open": {
        "en": "think or type your answer, then Enter to compare",
        "zh": "先思考或写下答案，回车对照参考答案",
    },
}
RATING_LABELS = {
    "en": (
        "Again: I did not know it",
        "Hard: partly, or with effort",
        "Good: I knew it",
        "Easy: instantly",
    ),
    "zh": ("重来：不会", "困难：部分答对或很吃力", "良好：答对了", "简单：脱口而出"),
}


class AnswerArea(Vertical):
    """Holds the input widget for one question and reports the answer."""

    class Submitted(Message):
        """The user answered (for open questions: rated themselves)."""

        def __init__(self, answer: Answer | SelfRating) -> None:
            super().__init__()
            self.answer = answer

    class Revealed(Message):
        """An open question's model answer should be shown; rating comes next."""

    def __init__(self, question: Question, lang: Lang) -> None:
        super().__init__(classes="answer")
        self.question = question
        self.lang = lang
        self.rating = False

    def compose(self) -> ComposeResult:
        q, lang = self.question, self.lang
        if isinstance(q, SingleChoice):
            yield OptionList(
                *self._numbered(text_in(c.text, lang) for c in q.choices), id="choices"
            )
        elif isinstance(q, TrueFalse):
            labels = ("True", "False") if lang == "en" else ("对 (True)", "错 (False)")
            yield OptionList(*self._numbered(labels), id="choices")
        elif isinstance(q, MultipleChoice):
            yield SelectionList[int](
                *((f"{i + 1}  {text_in(c.text, lang)}", i) for i, c in enumerate(q.choices)),
                id="multi",
            )
        else:
            kind = "open" if isinstance(q, Open) else q.type
            yield Input(placeholder=PLACEHOLDERS[kind][lang], id="typed")

    @staticmethod
    def _numbered(labels: Iterable[str]) -> list[Option]:
        return [Option(f"{i + 1}  {label}", id=str(i)) for i, label in enumerate(labels)]

    def on_mount(self) -> None:
        self.focus_input()

    def focus_input(self) -> None:
        for widget in self.query("OptionList, SelectionList, Input"):
            widget.focus()
            return

    def on_key(self, event: events.Key) -> None:
        if not event.character or not event.character.isdigit():
            return
        index = int(event.character) - 1
        if self.rating:
            if 0 <= index < len(SELF_RATINGS):
                event.stop()
                self.post_message(self.Submitted(SELF_RATINGS[index]))
            return
        q = self.question
        if isinstance(q, SingleChoice | TrueFalse):
            n = len(q.choices) if isinstance(q, SingleChoice) else 2
            if 0 <= index < n:
                event.stop()
                self._submit_choice(index)
        elif isinstance(q, MultipleChoice) and 0 <= index < len(q.choices):
            event.stop()
            self.query_one("#multi", SelectionList).toggle(index)

    def _submit_choice(self, index: int) -> None:
        if isinstance(self.question, TrueFalse):
            self.post_message(self.Submitted(index == 0))
        else:
            self.post_message(self.Submitted(index))

    @on(OptionList.OptionSelected, "#choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.rating:
            self.post_message(self.Submitted(SELF_RATINGS[event.option_index]))
        else:
            self._submit_choice(event.option_index)

    def key_enter(self, event: events.Key) -> None:
        multi = self.query("#multi")
        if multi and not self.rating:
            event.stop()
            selected = frozenset(multi.only_one(SelectionList).selected)
            if selected:
                self.post_message(self.Submitted(selected))

    @on(Input.Submitted, "#typed")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if isinstance(self.question, Open):
            self.post_message(self.Revealed())
        elif event.value.strip():
            self.post_message(self.Submitted(event.value))

    def show_answered(self, answer: object) -> None:
        """Leave the user's pick highlighted once the area is disabled."""
        choices = self.query("#choices")
        if not choices or self.rating:
            return
        options = choices.only_one(OptionList)
        if isinstance(answer, bool):
            options.highlighted = 0 if answer else 1
        elif isinstance(answer, int):
            options.highlighted = answer

    async def ask_rating(self) -> None:
        """Swap the input for the four self-ratings (open questions, after the reveal)."""
        self.rating = True
        await self.remove_children()
        labels = RATING_LABELS[self.lang]
        await self.mount(OptionList(*self._numbered(labels), id="choices"))
        self.focus_input()


def is_typed(question: Question) -> bool:
    """Whether the answer is typed into an input (so letter keys belong to the input)."""
    return isinstance(question, Numeric | CodeOutput | Open) or question.type == "short_answer"
