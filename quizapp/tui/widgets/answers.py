"""The answer area of a quiz card: the right input for each question type, from the keyboard.

Number keys pick a choice (single choice, true/false) or toggle it (multiple choice, where space
toggles too and Enter submits), numbered in the order shown; typed answers submit with Enter; an
open question takes a multi-line answer, reveals the model answer on Ctrl+R and is then rated
with 1-4. Whatever the type, the area posts one
`AnswerArea.Submitted` message carrying the answer in the form `quiz.checking` expects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, TextArea
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
from quizapp.tui.widgets.choices import ChoiceList, ShownChoice

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
        "en": "your answer, as many lines as you like; Ctrl+R to compare with the model answer",
        "zh": "写下你的答案（可多行）；Ctrl+R 对照参考答案",
    },
}
TRUE_FALSE_LABELS = {"en": ("True", "False"), "zh": ("对 (True)", "错 (False)")}
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

    BINDINGS = [Binding("ctrl+r", "reveal", "Compare", show=True)]

    class Submitted(Message):
        """The user answered (for open questions: rated themselves)."""

        def __init__(self, answer: Answer | SelfRating) -> None:
            super().__init__()
            self.answer = answer

    class Revealed(Message):
        """An open question's model answer should be shown; rating comes next."""

    def __init__(self, question: Question, lang: Lang, order: Sequence[int] = ()) -> None:
        super().__init__(classes="answer")
        self.question = question
        self.lang = lang
        # Deck indices in the order shown (choice questions); the written order without one.
        self.order = tuple(order) or tuple(range(len(getattr(question, "choices", ()))))
        self.rating = False

    def compose(self) -> ComposeResult:
        q, lang = self.question, self.lang
        if isinstance(q, SingleChoice | MultipleChoice):
            shown = [
                ShownChoice(
                    i,
                    text_in(q.choices[i].text, lang),
                    q.choices[i].correct,
                    text_in(why, lang) if (why := q.choices[i].why) is not None else None,
                )
                for i in self.order
            ]
            yield ChoiceList(shown, multi=isinstance(q, MultipleChoice), lang=lang, id="choices")
        elif isinstance(q, TrueFalse):
            labels = TRUE_FALSE_LABELS[lang]
            shown = [
                ShownChoice(0, labels[0], q.answer, None),
                ShownChoice(1, labels[1], not q.answer, None),
            ]
            yield ChoiceList(shown, multi=False, lang=lang, id="choices")
        elif isinstance(q, Open):
            yield TextArea(
                id="typed-open",
                soft_wrap=True,
                show_line_numbers=False,
                placeholder=PLACEHOLDERS["open"][lang],
            )
        else:
            yield Input(placeholder=PLACEHOLDERS[q.type][lang], id="typed")

    @staticmethod
    def _numbered(labels: Iterable[str]) -> list[Option]:
        return [Option(f"{i + 1}  {label}", id=str(i)) for i, label in enumerate(labels)]

    def on_mount(self) -> None:
        self.focus_input()

    def focus_input(self) -> None:
        for widget in self.query("OptionList, Input, TextArea"):
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
        choices = self.query(ChoiceList)
        if choices and not isinstance(self.screen.focused, Input | TextArea):
            event.stop()
            choices.only_one().pick(index)

    @on(ChoiceList.Chosen)
    def _chosen(self, event: ChoiceList.Chosen) -> None:
        event.stop()
        answer: Answer = event.answer
        if isinstance(self.question, TrueFalse):
            answer = event.answer == 0
        self.post_message(self.Submitted(answer))

    @on(OptionList.OptionSelected, "#ratings")
    def _rated(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Submitted(SELF_RATINGS[event.option_index]))

    @on(Input.Submitted, "#typed")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(self.Submitted(event.value))

    def action_reveal(self) -> None:
        if isinstance(self.question, Open) and not self.rating:
            self.post_message(self.Revealed())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return isinstance(self.question, Open) and not self.rating
        return True

    def show_answered(self, answer: object) -> bool:
        """Show the feedback on each option; False when there are no options to show it on."""
        choices = self.query(ChoiceList)
        if not choices or self.rating:
            return False
        if isinstance(answer, bool):
            picked = frozenset({0 if answer else 1})
        elif isinstance(answer, int):
            picked = frozenset({answer})
        else:
            picked = frozenset(cast(Iterable[int], answer))
        choices.only_one().show_feedback(picked)
        return True

    async def ask_rating(self) -> None:
        """Swap the input for the four self-ratings (open questions, after the reveal)."""
        self.rating = True
        typed = self.query("#typed-open")
        if typed:
            typed.only_one(TextArea).read_only = True  # the user's answer stays in view
        labels = RATING_LABELS[self.lang]
        await self.mount(OptionList(*self._numbered(labels), id="ratings"))
        self.query_one("#ratings").focus()
        self.refresh_bindings()


def is_typed(question: Question) -> bool:
    """Whether the answer is typed into an input (so letter keys belong to the input)."""
    return isinstance(question, Numeric | CodeOutput | Open) or question.type == "short_answer"
