"""The end of a quiz session: score, time and what to review next."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from quizapp.bank.labels import item_label
from quizapp.study_records import SessionResult

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp


class SummaryScreen(Screen[None]):
    """Shows how the session went."""

    BINDINGS = [Binding("escape,enter,q", "app.pop_screen", "Home", show=True)]

    def __init__(self, title: str, result: SessionResult) -> None:
        super().__init__()
        self.deck_title = title
        self.result = result

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary"):
            yield Markdown(self._text())
        yield Footer()

    def _drill_line(self, lang: str) -> str:
        if self.result.drill is None:
            return ""
        drill_id, passed = self.result.drill
        study = cast("QuizApp", self.app).study
        title = item_label(study.bank, study.drills, drill_id, study.language)
        if lang == "zh":
            verdict = {True: "✔ 通过", False: "✘ 未通过", None: "未运行检查"}[passed]
            return f"编程题 {title}：{verdict}。\n\n"
        verdict = {True: "✔ passed", False: "✘ not passed", None: "checks never run"}[passed]
        return f"Drill {title}: {verdict}.\n\n"

    def _text(self) -> str:
        lang = cast("QuizApp", self.app).language
        r = self.result
        right = sum(1 for rec in r.answered if rec.verdict and rec.verdict.correct)
        answered, skipped = len(r.answered), len(r.records) - len(r.answered)
        if r.strict:  # a mock: out of every question asked, skipped ones included
            answered = len(r.records)
        minutes, seconds = divmod(round(r.seconds), 60)
        study = cast("QuizApp", self.app).study
        review = "\n".join(
            f"- {item_label(study.bank, {}, q.id, study.language)}" for q in r.to_review
        )
        if lang == "zh":
            head = f"## {self.deck_title}：完成\n\n"
            skips = f"（跳过 {skipped} 题{'，计为未答' if r.strict else ''}）" if skipped else ""
            body = (
                f"{'共' if r.strict else '作答'} {answered} 题，答对 **{right}**{skips}，"
                f"得分 {r.score:.0%}，"
                f"用时 {minutes} 分 {seconds} 秒。\n\n"
            )
            tail = f"### 需要复习\n\n{review}" if review else "全部答对！"
        else:
            head = f"## {self.deck_title}: done\n\n"
            counted = ", counted as not answered" if r.strict else ""
            skips = f" ({skipped} skipped{counted})" if skipped else ""
            body = (
                f"**{right} of {answered}** {'right' if r.strict else 'answered right'}{skips}, "
                f"score {r.score:.0%}, "
                f"in {minutes}m {seconds}s.\n\n"
            )
            tail = f"### Review next\n\n{review}" if review else "Everything right!"
        return head + body + self._drill_line(lang) + tail
