"""Home: every deck with its size, mastery and due reviews, the drills with passed marks, and one
key per kind of session."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.bank.deck import LoadedDeck
from quizapp.bank.text import text_in
from quizapp.study_records import DeckCounts, StudySession
from quizapp.tui.errors import guarded
from quizapp.tui.widgets.pick_list import PickList

if TYPE_CHECKING:
    from quizapp.bank.drill import Drill
    from quizapp.tui.app import QuizApp

# Option ids in the list: decks and drills share it, and a deck may be named like a drill.
DECK, DRILL = "deck:", "drill:"

WELCOME = {
    "en": (
        "Welcome! [b]t[/] studies today's plan (set your interview date with [b]o[/]), "
        "[b]Enter[/] continues the highlighted deck, [b]r[/] reviews what is due. "
        "[b]F1[/] lists every key."
    ),
    "zh": (
        "欢迎！[b]t[/] 学习今日计划（用 [b]o[/] 设置面试日期），[b]Enter[/] 继续学习选中的题组，"
        "[b]r[/] 复习到期的题。[b]F1[/] 查看所有按键。"
    ),
}
EMPTY = {
    "review": {
        "en": "Nothing is due for review. Study a deck first.",
        "zh": "目前没有到期的复习。",
    },
    "weakest": {"en": "Answer a few questions first.", "zh": "先答几道题吧。"},
    "cram": {
        "en": "Cram works on a deck: highlight one first.",
        "zh": "突击复习针对题组：请先选中一个题组。",
    },
    "today": {
        "en": "Today's part of the plan is done. r reviews anything due later; c crams a deck.",
        "zh": "今日计划已完成。稍后到期的题按 r 复习；按 c 可突击某个题组。",
    },
    "today_later": {
        "en": "Nothing is due this minute: today's remaining reviews come back later today.",
        "zh": "此刻没有到期的题：今天剩下的复习稍后会到期。",
    },
    "deck": {
        "en": "{deck}: nothing due and nothing new for now. c crams it anyway.",
        "zh": "{deck}：目前没有到期或未学的题。按 c 可突击复习。",
    },
}


class HomeScreen(Screen[None]):
    """The deck list and the session keys."""

    BINDINGS = [
        Binding("t", "session('today')", "Today", show=True, tooltip="Today's part of the plan"),
        # The deck list's own Enter (Open) is what the footer shows; this one is its fallback.
        Binding("enter", "start", "Open", show=False),
        # Footer labels are short so that every key fits 80 columns.
        Binding("r", "session('review')", "Due", show=True, tooltip="Review the due cards"),
        Binding("w", "session('weakest')", "Weak", show=True, tooltip="Your weakest topics"),
        Binding("m", "session('mock')", "Mock", show=True, tooltip="Timed mock interview"),
        Binding("c", "cram", "Cram", show=True, tooltip="Cram the highlighted deck"),
        Binding("d", "drills", "Drills", show=True),
        Binding("s", "stats", "Stats", show=True),
        Binding("o", "settings", "Plan", show=True, tooltip="Interview date and daily caps"),
        Binding("l", "language", "中文", show=True, tooltip="English / 中文"),
        Binding("q", "app.quit", "Quit", show=False),  # Ctrl+Q too; F1 lists both
    ]

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, DeckCounts] = {}
        self.plan_line = ""
        # Filled after the first paint: loading the drills and their runs must not delay it.
        self.drills: dict[str, Drill] = {}
        self.passed: set[str] = set()

    @property
    def quiz_app(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(id="welcome")
            yield Static(id="plan", classes="title")
            yield Static(id="warnings", classes="warning")
            yield PickList(id="decks")
        # Home has the most keys: at 80 columns the palette hint would push F1 Help off the
        # footer. Ctrl+P is listed on the help screen and shown on every other screen.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.watch(self.app, "language", self._render_all)

    def on_screen_resume(self) -> None:
        # On the first show and on every return from a session. After the paint: opening
        # the store must not compete with drawing the screen.
        self.call_after_refresh(self.load_counts)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        study = self.quiz_app.study
        counts, plan = study.home_counts()
        line = ""
        if plan is not None and (plan.today_part.new or plan.today_part.reviews or plan.days_left):
            line = f"Today: {plan.headline()}"
        drills, passed = study.drills, study.passed_drills()
        self.app.call_from_thread(self._show_counts, counts, line, drills, passed)

    def _show_counts(
        self,
        counts: dict[str, DeckCounts],
        plan_line: str,
        drills: dict[str, Drill],
        passed: set[str],
    ) -> None:
        self.counts = counts
        self.plan_line = plan_line
        self.drills = drills
        self.passed = passed
        self._render_all()

    def _render_all(self, _lang: object = None) -> None:
        study = self.quiz_app.study
        lang = self.quiz_app.language
        first_run = not any(c.seen for c in self.counts.values())
        welcome = self.query_one("#welcome", Static)
        welcome.display = first_run
        welcome.update(WELCOME[lang])
        plan = self.query_one("#plan", Static)
        plan.display = bool(self.plan_line)
        plan.update(Text(self.plan_line))
        warnings = [*study.notices]
        if study.problems:
            files = ", ".join(dict.fromkeys(p.path for p in study.problems))
            warnings.append(f"{len(study.problems)} problem(s) in {files}: F1 shows them")
        panel = self.query_one("#warnings", Static)
        panel.display = bool(warnings)
        panel.update(Text("\n".join(f"⚠ {w}" for w in warnings)))
        decks = self.query_one("#decks", OptionList)
        highlighted = decks.highlighted
        decks.clear_options()
        # One add_options call: adding rows one by one recomputes the list's lines after each.
        rows: list[Option | None] = [Option(self._label(d), DECK + d.deck_id) for d in study.decks]
        if self.drills:
            rows += [None, *self._drill_options()]
        decks.add_options(rows)
        decks.highlighted = highlighted if highlighted is not None else 0
        decks.focus()

    def _drill_options(self) -> list[Option]:
        lang = self.quiz_app.language
        done = sum(1 for d in self.drills if d in self.passed)
        head = Text("Drills" if lang == "en" else "编程练习", style="bold")
        head.append(
            f"  {done} of {len(self.drills)} passed"
            if lang == "en"
            else f"  已通过 {done}/{len(self.drills)}",
            style="dim",
        )
        options = [Option(head, disabled=True)]
        for drill_id, drill in sorted(self.drills.items()):
            passed = drill_id in self.passed
            label = Text("✔ " if passed else "· ", style="green" if passed else "dim")
            label.append(text_in(drill.title, lang))
            options.append(Option(label, DRILL + drill_id))
        return options

    def _label(self, deck: LoadedDeck) -> Text:
        lang = self.quiz_app.language
        label = Text(text_in(deck.title, lang), style="bold")
        label.append(f"  {len(deck)} " + ("questions" if lang == "en" else "题"), style="dim")
        counts = self.counts.get(deck.deck_id)
        if counts is not None and counts.seen:
            share = counts.mastered / counts.total
            bar = "█" * round(share * 10) + "░" * (10 - round(share * 10))
            mastered = "mastered" if lang == "en" else "已掌握"
            label.append(f"  {bar} {share:.0%} {mastered}", style="green")
            if counts.due:
                label.append(
                    f"  {counts.due} " + ("due" if lang == "en" else "待复习"), style="yellow"
                )
        return label

    @on(OptionList.OptionSelected, "#decks")
    @guarded
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._start(event.option.id)

    def _highlighted(self) -> str | None:
        decks = self.query_one("#decks", OptionList)
        if decks.highlighted is None:
            return None
        return decks.get_option_at_index(decks.highlighted).id

    @guarded
    def action_start(self) -> None:
        self._start(self._highlighted())

    def _start(self, option_id: str | None) -> None:
        """Study the deck, or open the drill, that the option stands for."""
        if option_id is None:
            return
        if option_id.startswith(DRILL):
            from quizapp.tui.screens.drill import DrillScreen

            self.app.push_screen(DrillScreen(option_id.removeprefix(DRILL)))
        elif option_id.startswith(DECK):
            deck = option_id.removeprefix(DECK)
            session = self.quiz_app.study.session("deck", deck=deck)
            if not session.questions:
                message = EMPTY["deck"][self.quiz_app.language]
                self.notify(message.format(deck=session.title))
                return
            self._open(session)

    @guarded
    def action_cram(self) -> None:
        option_id = self._highlighted()
        if option_id is None or not option_id.startswith(DECK):
            self.notify(EMPTY["cram"][self.quiz_app.language])
            return
        self._open(self.quiz_app.study.session("cram", deck=option_id.removeprefix(DECK)))

    @guarded
    def action_session(self, kind: str) -> None:
        session = self.quiz_app.study.session(kind)
        if not session.questions and session.drills:  # only drills left today
            from quizapp.tui.screens.drill import DrillScreen

            self.app.push_screen(DrillScreen(session.drills[0]))
            return
        if not session.questions:
            if kind == "today" and "done:" not in self.plan_line:
                kind = "today_later"  # reviews left today, none due yet
            self.notify(EMPTY.get(kind, EMPTY["review"])[self.quiz_app.language])
            return
        if kind == "mock":
            self._announce_mock(session)
            return
        self._open(session)

    def _announce_mock(self, session: StudySession) -> None:
        """Say what the mock holds before its clock starts: it is an interview, not a quiz."""
        lang = self.quiz_app.language
        minutes = (session.time_limit_seconds or 0) // 60
        drills = self.quiz_app.study.drills
        drill = next((drills[d] for d in session.drills if d in drills), None)
        n = len(session.questions)
        if lang == "zh":
            then = f"，然后一道编程题（{text_in(drill.title, lang)}）" if drill else ""
            text = (
                f"模拟面试：{n} 道题{then}，共用一个 {minutes} 分钟的计时。"
                "期间没有提示，也不能撤销；跳过的题计为未答。现在开始吗？"
            )
        else:
            then = f", then a coding drill ({text_in(drill.title, lang)})" if drill else ""
            text = (
                f"Mock interview: {n} questions{then}, {minutes} minutes on one clock. No hints "
                "and no undo; a skipped question counts as not answered. Start now?"
            )
        from quizapp.tui.widgets.confirm import Confirm

        def start(go: bool | None) -> None:
            if go:
                self._open(session)

        self.app.push_screen(Confirm(text), start)

    def _open(self, session: StudySession) -> None:
        if not session.questions:
            return
        from quizapp.tui.screens.quiz import QuizScreen  # deferred: keeps start-up light

        self.app.push_screen(QuizScreen(session))

    @guarded
    def action_drills(self) -> None:
        from quizapp.tui.screens.drills import DrillsScreen

        self.app.push_screen(DrillsScreen())

    @guarded
    def action_settings(self) -> None:
        from quizapp.tui.screens.settings import SettingsScreen

        def saved(changed: bool | None) -> None:
            if changed:
                self.notify("Settings saved.")
                self.load_counts()

        self.app.push_screen(SettingsScreen(), saved)

    @guarded
    def action_stats(self) -> None:
        from quizapp.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    @guarded
    def action_language(self) -> None:
        self.quiz_app.toggle_language()
