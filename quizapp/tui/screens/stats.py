"""Stats: the self-assessment report, with per-deck bars, accuracy over time, weakest topics."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from quizapp.bank.model import text_in
from quizapp.study_records import StudySession
from quizapp.tui.errors import guarded
from quizapp.tui.widgets.pick_list import PickList

if TYPE_CHECKING:
    from quizapp.store.report import Report
    from quizapp.tui.app import QuizApp

WORDS = {
    "en": {
        "overall": "Overall",
        "deck": "deck",
        "accuracy": "accuracy",
        "attempts": "attempts",
        "mastery": "mastery",
        "due": "due now",
        "streak": "day streak",
        "today": "due today",
        "week": "due this week",
        "drills": "drills passed",
        "drill": "drill passed",
        "run": "run",
        "first": "first-pass rate",
        "runs": "runs",
        "overridden": "right on your word",
        "over_time": "Accuracy per study day",
        "weakest": "Weakest topics (Enter drills the highlighted one)",
        "none": "No answers yet: study a deck and come back.",
        "cram": "crammed",
        "leeches": "Leeches: answered wrong again and again (Enter studies one)",
        "study": "study",
        "no_store": "Progress is not available (see the warning on home).",
    },
    "zh": {
        "overall": "总体",
        "deck": "题组",
        "accuracy": "正确率",
        "attempts": "作答数",
        "mastery": "掌握度",
        "due": "当前待复习",
        "streak": "天连续学习",
        "today": "今日到期",
        "week": "本周到期",
        "drills": "已通过的编程练习",
        "drill": "已通过的编程练习",
        "run": "次运行",
        "first": "一次通过率",
        "runs": "次运行",
        "overridden": "自评为对",
        "over_time": "每个学习日的正确率",
        "weakest": "最薄弱的知识点（回车开始练习选中的一项）",
        "none": "还没有作答记录：先学习一个题组吧。",
        "cram": "次突击作答",
        "leeches": "顽固错题：反复答错（回车开始练习）",
        "study": "建议学习",
        "no_store": "无法读取学习进度（见主页提示）。",
    },
}


def bar(share: float | None, width: int = 12) -> str:
    """A text bar for a share in [0, 1]."""
    if share is None:
        return "·" * width
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)


def pct(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


class StatsScreen(Screen[None]):
    """The report, computed in a worker because it reads the whole history."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", show=True)]

    def __init__(self) -> None:
        super().__init__()
        self._report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield LoadingIndicator()
            yield Static(id="overview")
            yield Static(id="decks-table")
            yield Static(id="over-time-title", classes="title")
            yield Sparkline([], id="over-time")
            yield Static(id="weakest-title", classes="title")
            yield PickList(id="weakest")
            yield Static(id="leeches-title", classes="title")
            yield PickList(id="leeches")
        yield Footer()

    @property
    def words(self) -> dict[str, str]:
        return WORDS[cast("QuizApp", self.app).language]

    def on_mount(self) -> None:
        hidden = "#overview, #decks-table, #over-time-title, #over-time, #weakest-title, #weakest"
        for widget in self.query(f"{hidden}, #leeches-title, #leeches"):
            widget.display = False
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        report = cast("QuizApp", self.app).study.report()
        self.app.call_from_thread(self._show, report)

    def _show(self, report: Report | None) -> None:
        self._report = report
        self.query_one(LoadingIndicator).display = False
        w = self.words
        overview = self.query_one("#overview", Static)
        overview.display = True
        if report is None:
            overview.update(w["no_store"])
            return
        if not report.totals.attempts:
            overview.update(w["none"])
            return
        t = report.totals
        first_pass = pct(report.drills.first_pass_rate)
        d = report.drills
        overview.update(
            Text.assemble(
                (f"{w['overall']}: ", "bold"),
                f"{w['accuracy']} {pct(t.accuracy)} · {w['attempts']} {t.attempts} · ",
                f"{w['mastery']} {bar(t.mastery)} {pct(t.mastery)} · ",
                f"{report.streak.current} {w['streak']} · {report.due.today} {w['today']} · ",
                f"{report.due.this_week} {w['week']} · ",
                f"{d.passed} {w['drill'] if d.passed == 1 else w['drills']} "
                f"({d.runs} {w['run'] if d.runs == 1 else w['runs']}, "
                f"{w['first']} {first_pass})",
                f" · {report.by_mode.get('cram', 0)} {w['cram']}",
                f" · {t.overridden} {w['overridden']}" if t.overridden else "",
            )
        )
        table = Table(expand=True, box=None, pad_edge=False)
        for column in (w["deck"], w["accuracy"], w["attempts"], w["mastery"], w["due"]):
            table.add_column(column)
        study = cast("QuizApp", self.app).study
        for deck in report.decks:
            loaded = study.bank.deck(deck.name)
            table.add_row(  # Text, not str: a deck title is never read as markup
                Text(text_in(loaded.title, study.language) if loaded else deck.name),
                f"{bar(deck.accuracy, 8)} {pct(deck.accuracy)}",
                str(deck.attempts),
                f"{bar(deck.mastery, 8)} {pct(deck.mastery)}",
                str(deck.due_now),
            )
        decks = self.query_one("#decks-table", Static)
        decks.update(table)
        decks.display = True
        days = [d.accuracy for d in report.daily if d.accuracy is not None]
        if days:
            title = self.query_one("#over-time-title", Static)
            title.update(f"{w['over_time']} ({len(days)}: {pct(days[0])} → {pct(days[-1])})")
            title.display = True
            spark = self.query_one("#over-time", Sparkline)
            spark.data = days
            spark.display = True
        weakest = self.query_one("#weakest", OptionList)
        weakest.clear_options()
        for topic in report.weakest:
            weakest.add_option(
                Option(
                    Text(f"#{topic.tag}  {pct(topic.accuracy)} of {topic.attempts}  ")
                    + Text(" ".join(topic.review_ids[:3]), style="dim"),
                    topic.tag,
                )
            )
        if report.weakest:
            self.query_one("#weakest-title", Static).update(w["weakest"])
            self.query_one("#weakest-title").display = True
            weakest.display = True
            weakest.highlighted = 0
            weakest.focus()
        self._show_leeches(report)

    def _show_leeches(self, report: Report) -> None:
        """Items answered wrong again and again, by their prompt, with what teaches them."""
        if not report.leeches:
            return
        w = self.words
        leeches = self.query_one("#leeches", OptionList)
        leeches.clear_options()
        for leech in report.leeches:
            label = Text(f"✘ {leech.wrong}/{leech.attempts}  ", style="bold red")
            label.append(self._item_text(leech.item_id))
            teach = [self._item_text(i) for i in (*leech.questions[:2], *leech.drills[:1])]
            if teach:
                label.append(f"\n   {w['study']}: " + " · ".join(teach), style="cyan")
            leeches.add_option(Option(label, leech.item_id))
        self.query_one("#leeches-title", Static).update(w["leeches"])
        self.query_one("#leeches-title").display = True
        leeches.display = True
        leeches.highlighted = 0

    def _item_text(self, item_id: str, width: int = 60) -> str:
        from quizapp.bank.labels import item_label

        study = cast("QuizApp", self.app).study
        return item_label(study.bank, study.drills, item_id, study.language, width)

    @on(OptionList.OptionSelected, "#leeches")
    @guarded
    def _study_leech(self, event: OptionList.OptionSelected) -> None:
        """The leech with the questions that teach its concept, then its drill if it has one."""
        from quizapp.tui.screens.quiz import QuizScreen

        study = cast("QuizApp", self.app).study
        leech = next(
            (
                x
                for x in (self._report.leeches if self._report else [])
                if x.item_id == event.option.id
            ),
            None,
        )
        if leech is None:
            return
        ids = [leech.item_id, *leech.questions]
        questions = [q for qid in ids if (q := study.bank.question(qid)) is not None]
        drills = [d for d in leech.drills[:1] if d in study.drills]
        if not questions and drills:
            from quizapp.tui.screens.drill import DrillScreen

            self.app.push_screen(DrillScreen(drills[0]))
        elif questions:
            title = self._item_text(leech.item_id, width=40)
            self.app.push_screen(QuizScreen(StudySession(title, questions, drills=drills)))

    @on(OptionList.OptionSelected, "#weakest")
    @guarded
    def _drill_topic(self, event: OptionList.OptionSelected) -> None:
        from quizapp.tui.screens.quiz import QuizScreen

        session = cast("QuizApp", self.app).study.session("tag", tag=event.option.id)
        if session.questions:
            self.app.push_screen(QuizScreen(session))
