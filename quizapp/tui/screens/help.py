"""Help: every key, the language, the data folder, and any deck that failed validation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

KEYS = """\
## Keys

| where | key | does |
| --- | --- | --- |
| everywhere | F1 | this help |
| everywhere | Ctrl+Q | quit (progress is saved on every answer) |
| everywhere | Ctrl+P | command palette: every action by name |
| home | t | today's part of the plan: due reviews, then today's new questions and drills |
| home | ↑ ↓, Enter | continue a deck (due cards, then unseen ones), or open a drill |
| home | r / w / m / c | review due cards / weakest topics / mock interview / cram a deck |
| home | d / s / o / l | drills / stats / interview date and daily caps / English-中文 |
| quiz | 1-9 | pick the option shown at that number (shuffled each time); multiple: toggle |
| quiz | Space, Enter | multiple choice: toggle the highlighted option, submit |
| quiz | typing, Enter | numeric, short answer and code-output answers |
| quiz | o | "I was right": a typed answer marked wrong counts as right (stats show it) |
| quiz | Ctrl+R, then 1-4 | open questions: compare your answer with the model one, rate it |
| quiz | h / s / n | hint (only while one is left) / skip / next question |
| quiz | u | take back the last answer (same option order, schedule restored) |
| quiz | Esc | leave the text input (then h, s work), or go back home |
| mock | | one clock for questions and drill; no hints, no undo; skips count as wrong |
| drill | Ctrl+R / Ctrl+S / Ctrl+T | run the checks / save / next hint |
| drill | Ctrl+O / F3 / Esc | edit in $EDITOR / reference solution (asks first) / cancel or back |
| drill | F2 | move between the editor and the results; arrows and PgUp/PgDn scroll them |
"""

RATING_RULE = """## How answers are scheduled

Every question and drill is a review card (FSRS). An answer the app grades becomes a rating:

- **Again**: wrong.
- **Hard**: right, but after a hint or slower than the question's expected time.
- **Easy**: right in at most {fraction:.0%} of the expected time, on a card already in review
  with a stability of {stability:g} days or more.
- **Good**: every other right answer.

Open questions ask you to rate yourself (1 Again, 2 Hard, 3 Good, 4 Easy) after you see the
model answer. Cram sessions are recorded in your history but never move a card's due date.
"""


class HelpScreen(Screen[None]):
    """Static help plus the live state of the bank and the data folder."""

    BINDINGS = [Binding("escape,q,f1", "app.pop_screen", "Close", show=True)]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Markdown(self._text())
        yield Footer()

    def _text(self) -> str:
        from quizapp.store.scheduling import EASY_MIN_STABILITY_DAYS, EASY_TIME_FRACTION

        study = cast("QuizApp", self.app).study
        decks = len(study.bank.decks)
        questions = len(study.bank.deck_of)
        folders = dict.fromkeys(str(Path(d.path).parent) for d in study.bank.decks)
        lines = [
            KEYS,
            RATING_RULE.format(fraction=EASY_TIME_FRACTION, stability=EASY_MIN_STABILITY_DAYS),
            "## Where things are\n",
            f"- data folder: `{study.folder}`",
            f"- language: `{study.language}` (l on home switches; saved in config.toml)",
            f"- {questions} questions in {decks} decks, from: "
            + ", ".join(f"`{folder}`" for folder in folders),
        ]
        if study.problems:
            lines.append("\n## Problems in your files\n")
            lines.append("```\n" + "\n".join(str(p) for p in study.problems) + "\n```")
        return "\n".join(lines)
