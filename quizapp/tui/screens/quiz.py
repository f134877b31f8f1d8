"""A quiz session: one question at a time, feedback right away, a summary at the end."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Markdown, Static, TextArea

from quizapp.bank.model import (
    CodeOutput,
    MultipleChoice,
    Numeric,
    Open,
    Question,
    Reference,
    ShortAnswer,
    SingleChoice,
    text_in,
)
from quizapp.quiz.checking import AnswerError, Verdict, expected_answer
from quizapp.quiz.presentation import choice_order
from quizapp.study import now
from quizapp.study_records import AnswerRecord, SessionResult, StudySession
from quizapp.tui.errors import guarded
from quizapp.tui.inline_text import inline_text
from quizapp.tui.widgets.answers import AnswerArea

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

LABELS = {
    "en": {
        "correct": "✔ Correct",
        "wrong": "✘ Not quite",
        "partial": "◐ Partly right",
        "expected": "Answer",
        "why": "Why",
        "refs": "References",
        "model": "Model answer",
        "rubric": "Check yourself against",
        "rate": "Rate yourself: 1 Again · 2 Hard · 3 Good · 4 Easy",
        "computed": "How it is computed",
        "no_hints": "No more hints.",
        "hint": "Hint",
        "nothing_to_undo": "Nothing to undo in this session.",
        "undone": "Answer taken back: try again.",
        "time_up": "Time is up: here is how you did.",
        "next": "Enter or n: next question",
        "topics": "Topics",
        "overridden": "Recorded as right, marked as your own call.",
        "override_hint": "o: I was right",
        "unsaved": "This answer was NOT saved; the next one will try again:",
    },
    "zh": {
        "correct": "✔ 回答正确",
        "wrong": "✘ 回答错误",
        "partial": "◐ 部分正确",
        "expected": "答案",
        "why": "解析",
        "refs": "参考资料",
        "model": "参考答案",
        "rubric": "自查要点",
        "rate": "自评：1 重来 · 2 困难 · 3 良好 · 4 简单",
        "computed": "计算方法",
        "no_hints": "没有更多提示了。",
        "hint": "提示",
        "nothing_to_undo": "本轮没有可撤销的作答。",
        "undone": "已撤销上一次作答，请重新作答。",
        "time_up": "时间到：看看这次的表现。",
        "next": "回车或 n：下一题",
        "topics": "知识点",
        "overridden": "已按你的判断记为答对（标记为自评）。",
        "override_hint": "o：我答对了",
        "unsaved": "这次作答未能保存，下一次作答会再尝试：",
    },
}


class QuizScreen(Screen[None]):
    """Asks a list of questions in order."""

    BINDINGS = [
        Binding("h", "hint", "Hint", show=True),
        Binding("s", "skip", "Skip", show=True),
        Binding("n,enter", "next", "Next", show=True),
        Binding("u", "undo", "Undo", show=True),
        Binding("o", "override", "I was right", show=True),
        Binding("escape", "leave", "Back", show=True),
    ]

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session
        self.questions = session.questions
        self.index = 0
        self.result = SessionResult(strict=session.mode == "mock")
        self.answered = False
        self.hints_shown = 0
        self.started = now()
        self.session_started = now()
        self.finished = False
        self.seed: int | None = None  # ordered the shown question's choices

    @property
    def quiz_app(self) -> QuizApp:
        return cast("QuizApp", self.app)

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    @property
    def labels(self) -> dict[str, str]:
        return LABELS[self.quiz_app.language]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="quiz-header")
        with VerticalScroll(id="quiz-body"):
            yield Markdown(id="prompt")
            yield Static(id="hints")
            yield Markdown(id="feedback")
        yield Footer()

    async def on_mount(self) -> None:
        self.session_started = now()
        if self.session.time_limit_seconds:
            self.set_interval(1.0, self._tick)
        await self._show()

    def _remaining(self) -> int | None:
        limit = self.session.time_limit_seconds
        return None if not limit else max(0, round(limit - (now() - self.session_started)))

    async def _tick(self) -> None:
        remaining = self._remaining()
        if remaining is None:
            return
        self._render_header()
        if remaining == 0:
            self.notify(self.labels["time_up"], severity="warning")
            await self._finish()

    async def _show(self, seed: int | None = None) -> None:
        """Show the current question; `seed` brings back an earlier order of its choices."""
        q, lang = self.question, self.quiz_app.language
        self.answered = False
        self.hints_shown = 0
        self.started = now()
        self.seed = None
        if isinstance(q, SingleChoice | MultipleChoice):
            self.seed = seed if seed is not None else self.quiz_app.study.presentation_seed()
        self._render_header()
        prompt = text_in(q.prompt, lang)
        if isinstance(q, CodeOutput):
            prompt += f"\n\n```python\n{q.code.rstrip()}\n```"
        await self.query_one("#prompt", Markdown).update(prompt)
        hints = self.query_one("#hints", Static)
        hints.update("")
        hints.display = False
        feedback = self.query_one("#feedback", Markdown)
        feedback.display = False
        feedback.set_classes("")
        await self.query("AnswerArea").remove()
        area = AnswerArea(q, lang, choice_order(q, self.seed))
        await self.query_one("#quiz-body").mount(area, before="#feedback")
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    def _render_header(self) -> None:
        q = self.question
        dots = "●" * q.difficulty + "○" * (3 - q.difficulty)
        cram = " · cram" if self.session.mode == "cram" else ""
        remaining = self._remaining()
        clock = "" if remaining is None else f" · ⏱ {remaining // 60}:{remaining % 60:02d}"
        # Tags wait for the feedback: some (`myth`) would say which answer is wrong.
        header = (
            f"{escape(self.session.title)}{cram} · {self.index + 1}/{len(self.questions)}"
            f"{clock}   {dots}"
        )
        self.query_one("#quiz-header", Static).update(header)

    @on(AnswerArea.Submitted)
    @guarded
    async def _submitted(self, event: AnswerArea.Submitted) -> None:
        if self.answered:
            return
        try:
            verdict = self.quiz_app.study.answer(self.question, event.answer)
        except AnswerError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.answered = True
        seconds = now() - self.started
        hinted = self.hints_shown > 0
        unsaved = self.quiz_app.study.record(
            self.question,
            event.answer,
            verdict,
            seconds=seconds,
            hinted=hinted,
            mode=self.session.mode,
            seed=self.seed,
        )
        self._tell_unsaved(unsaved)
        self.result.records.append(
            AnswerRecord(
                self.question,
                verdict,
                seconds,
                hinted=hinted,
                answer=event.answer,
                seed=self.seed,
                saved=unsaved is None,
            )
        )
        await self._show_feedback(verdict, event.answer)

    @on(AnswerArea.Revealed)
    @guarded
    async def _revealed(self) -> None:
        q = self.question
        assert isinstance(q, Open)
        lang, lab = self.quiz_app.language, self.labels
        rubric = "\n".join(f"- {text_in(r, lang)}" for r in q.rubric)
        body = (
            f"**{lab['model']}**\n\n{text_in(q.model_answer, lang)}\n\n"
            f"**{lab['rubric']}**\n\n{rubric}\n\n*{lab['rate']}*"
        )
        feedback = self.query_one("#feedback", Markdown)
        await feedback.update(body)
        feedback.display = True
        await self.query_one(AnswerArea).ask_rating()

    async def _show_feedback(self, verdict: Verdict, event_answer: object) -> None:
        q, lang, lab = self.question, self.quiz_app.language, self.labels
        if verdict.correct:
            head = lab["correct"]
        elif verdict.score > 0:
            head = lab["partial"]
        else:
            head = lab["wrong"]
        parts = [f"### {head}"]
        if verdict.message:
            parts.append(verdict.message)
        area = self.query_one(AnswerArea)
        # Choice questions show the key and every option's why on the options themselves.
        on_options = area.show_answered(event_answer)
        if not on_options and not isinstance(q, Open):
            parts.append(f"**{lab['expected']}**: {expected_answer(q, lang)}")
        if self._can_override():
            parts.append(f"*{lab['override_hint']}*")
        parts.append(f"**{lab['why']}**: {text_in(q.explanation, lang)}")
        if isinstance(q, Numeric) and q.solution_code:
            parts.append(f"**{lab['computed']}**\n\n```python\n{q.solution_code.rstrip()}\n```")
        if q.references:
            parts.append(f"**{lab['refs']}**: " + " · ".join(_reference(r) for r in q.references))
        if q.tags:
            parts.append(f"**{lab['topics']}**: " + " · ".join(f"`{t}`" for t in q.tags))
        parts.append(f"*{lab['next']}*")
        feedback = self.query_one("#feedback", Markdown)
        feedback.set_classes("correct" if verdict.correct else "wrong")
        await feedback.update("\n\n".join(parts))
        feedback.display = True
        if not on_options:
            area.disabled = True
        self.query_one("#quiz-body", VerticalScroll).focus()
        self.refresh_bindings()

    @guarded
    def action_hint(self) -> None:
        if self.answered:
            return
        hints = self.question.hints
        lang = self.quiz_app.language
        if self.hints_shown >= len(hints):
            self.notify(self.labels["no_hints"])
            return
        self.hints_shown += 1
        self.refresh_bindings()
        label = self.labels["hint"]
        # Styled like the options (inline Markdown, folded lines joined); never read as markup.
        shown = Text("\n").join(
            Text(f"{label} {i + 1}: ") + inline_text(text_in(h, lang))
            for i, h in enumerate(hints[: self.hints_shown])
        )
        widget = self.query_one("#hints", Static)
        widget.update(shown)
        widget.display = True

    @guarded
    async def action_skip(self) -> None:
        if not self.answered:
            self.result.records.append(AnswerRecord(self.question, None, now() - self.started))
        await self._advance()

    @guarded
    async def action_next(self) -> None:
        if self.answered:
            await self._advance()

    async def _advance(self) -> None:
        if self.index + 1 >= len(self.questions):
            await self._finish()
            return
        self.index += 1
        await self._show()

    async def _finish(self) -> None:
        """The summary, after the session's drill when it has one (a mock interview's)."""
        if self.finished:
            return
        self.finished = True
        if not self.session.drills:
            await self._summary()
            return
        from quizapp.tui.screens.drill import DrillScreen

        drill_id = self.session.drills[0]
        limit = self.session.time_limit_seconds
        deadline = self.session_started + limit if limit else None

        async def drilled(passed: bool | None) -> None:
            self.result.drill = (drill_id, passed)
            await self._summary()

        self.app.push_screen(DrillScreen(drill_id, deadline=deadline), drilled)

    async def _summary(self) -> None:
        from quizapp.tui.screens.summary import SummaryScreen

        if self.session.mode == "mock":
            self.result.wall_seconds = now() - self.session_started
        await self.app.switch_screen(SummaryScreen(self.session.title, self.result))

    @guarded
    async def action_undo(self) -> None:
        """Take back the last recorded answer of this session and ask that question again."""
        answered = [i for i, r in enumerate(self.result.records) if r.verdict is not None]
        if not answered:
            self.notify(self.labels["nothing_to_undo"])
            return
        last = answered[-1]
        taken = self.result.records[last]
        # An answer that never reached the store is taken back here only: undoing in the store
        # would remove an earlier answer instead.
        if taken.saved and self.quiz_app.study.undo_last() is None:
            self.notify(self.labels["nothing_to_undo"])
            return
        del self.result.records[last:]
        self.index = last  # one record per question shown, answered or skipped
        await self._show(seed=taken.seed)  # the same order of choices as before
        self.notify(self.labels["undone"])

    def _tell_unsaved(self, reason: str | None) -> None:
        """Every answer that could not be saved is said, each time (the session goes on)."""
        if reason is not None:
            self.notify(f"{self.labels['unsaved']} {reason}", severity="error", timeout=10)

    def _can_override(self) -> bool:
        # Once the question is answered, the session's last record is its answer.
        verdict = self.result.records[-1].verdict if self.answered else None
        return (
            verdict is not None
            and not verdict.correct
            and isinstance(self.question, Numeric | ShortAnswer | CodeOutput)
        )

    @guarded
    async def action_override(self) -> None:
        """ "I was right": record the typed answer the checker refused as right, flagged as such."""
        if not self._can_override():
            return
        record = self.result.records[-1]
        answer = record.answer
        assert isinstance(answer, str)  # typed questions only
        verdict, unsaved = self.quiz_app.study.override_last(
            self.question,
            answer,
            seconds=record.seconds,
            hinted=record.hinted,
            mode=self.session.mode,
            saved=record.saved,
        )
        self._tell_unsaved(unsaved)
        record.verdict, record.overridden, record.saved = verdict, True, unsaved is None
        feedback = self.query_one("#feedback", Markdown)
        feedback.set_classes("correct")
        source = str(feedback.source).replace(f"*{self.labels['override_hint']}*", "")
        await feedback.update(f"{self.labels['overridden']}\n\n{source}")
        self.refresh_bindings()

    def action_leave(self) -> None:
        focused = self.focused
        if isinstance(focused, Input | TextArea):
            self.query_one("#quiz-body", VerticalScroll).focus()
            return
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letter keys belong to a focused text input; Escape first leaves it.
        typing = isinstance(self.focused, Input | TextArea)
        if action in ("hint", "skip", "next", "undo", "override") and typing:
            return False
        if action in ("hint", "undo") and self.session.mode == "mock":
            return False  # an interview gives no hints and takes nothing back
        if action == "hint":  # shown only while the question has a hint left
            return not self.answered and self.hints_shown < len(self.question.hints)
        if action == "override":
            return self._can_override()
        return True


def _reference(ref: Reference | str) -> str:
    if isinstance(ref, str):
        return f"<{ref}>"
    return f"[{ref.title or ref.url}]({ref.url})"
