"""`ChoiceList`: a choice question's options in their shown order, then the feedback on each.

Options wrap with a hanging indent (nothing is ever cut off), keep the author's inline
formatting, and are numbered in the order shown; the answer names choices by their index in
the deck. Once answered, each option shows whether it is right (✔) or wrong (✘), which ones the
user picked, and its `why` underneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from quizapp.tui.inline_text import inline_text

PICKED_LABEL = {"en": "your answer", "zh": "你的选择"}


@dataclass(frozen=True, slots=True)
class ShownChoice:
    """One option as shown: its index in the deck, its text, whether it is right, its why."""

    index: int
    text: str
    correct: bool
    why: str | None


class ChoiceList(OptionList):
    """Single choice (a number key or Enter picks) or multiple choice (toggle, then Enter)."""

    BINDINGS = [
        Binding("enter", "choose", "Answer", show=False),
        Binding("space", "tick", "Tick", show=False),
    ]

    class Chosen(Message):
        """The user answered: one deck index, or a set of them for multiple choice."""

        def __init__(self, answer: int | frozenset[int]) -> None:
            super().__init__()
            self.answer = answer

    def __init__(
        self, choices: Sequence[ShownChoice], *, multi: bool, lang: str, id: str | None = None
    ) -> None:
        self.choices = tuple(choices)
        self.multi = multi
        self.lang = lang
        self.selected: set[int] = set()  # deck indices ticked so far (multiple choice)
        self.answered = False
        self._code_style = "bold"  # until mounted, when the theme's colours are known
        super().__init__(*(Option(self._prompt(n)) for n in range(len(self.choices))), id=id)

    def _prompt(self, position: int) -> RenderableType:
        choice = self.choices[position]
        number = f"{position + 1}"
        if self.multi:
            number += " ☒" if choice.index in self.selected else " ☐"
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(number, inline_text(choice.text, code_style=self._code_style))
        return grid

    def on_mount(self) -> None:
        accent = self.app.get_css_variables().get("text-accent", "")
        self._code_style = f"bold {accent}".strip()
        for position in range(len(self.choices)):
            self.replace_option_prompt_at_index(position, self._prompt(position))

    def toggle(self, position: int) -> None:
        """Tick or untick the option shown at `position` (multiple choice)."""
        if self.answered or not 0 <= position < len(self.choices):
            return
        index = self.choices[position].index
        self.selected ^= {index}
        self.replace_option_prompt_at_index(position, self._prompt(position))
        self.highlighted = position

    def pick(self, position: int) -> None:
        """A number key: answer with that option (single) or tick it (multiple)."""
        if self.multi:
            self.toggle(position)
        elif not self.answered and 0 <= position < len(self.choices):
            self.post_message(self.Chosen(self.choices[position].index))

    def action_tick(self) -> None:
        if self.multi and self.highlighted is not None:
            self.toggle(self.highlighted)

    def action_choose(self) -> None:
        if self.answered:
            return
        if self.multi:
            if self.selected:
                self.post_message(self.Chosen(frozenset(self.selected)))
        elif self.highlighted is not None:
            self.pick(self.highlighted)

    async def _on_click(self, event: events.Click) -> None:
        clicked = event.style.meta.get("option")
        if isinstance(clicked, int) and not self.answered:
            self.highlighted = clicked
            self.pick(clicked)

    def show_feedback(self, picked: frozenset[int]) -> None:
        """Mark every option right or wrong, the user's picks, and each option's why."""
        self.answered = True
        self.highlighted = None
        for position in range(len(self.choices)):
            self.replace_option_prompt_at_index(position, self._feedback(position, picked))

    def _feedback(self, position: int, picked: frozenset[int]) -> RenderableType:
        choice = self.choices[position]
        mark = Text("✔", style="bold green") if choice.correct else Text("✘", style="bold red")
        body = inline_text(choice.text, code_style=self._code_style)
        if choice.index in picked:
            body.append(f"  ← {PICKED_LABEL.get(self.lang, PICKED_LABEL['en'])}", style="bold")
        if choice.why:
            body.append("\n")
            why = inline_text(choice.why, code_style=self._code_style)
            why.stylize("italic")
            body.append_text(why)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(mark, f"{position + 1}", body)
        return grid
