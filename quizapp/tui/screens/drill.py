"""A drill: the statement beside an editor holding the user's file, and the grader's verdict.

Grading runs in a thread worker against the sandboxed grading server (this process never imports
torch); progress streams in, Escape cancels. The file is saved before every run, and when it
changes on disk (the user edits it in `$EDITOR` or elsewhere) it is reloaded and graded again.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, ProgressBar, Static, TextArea

from quizapp.bank.model import text_in
from quizapp.grading.report import CheckResult, Report
from quizapp.grading.rich_view import checks_table, report_view
from quizapp.study import now
from quizapp.tui.errors import guarded
from quizapp.tui.widgets.confirm import Confirm

if TYPE_CHECKING:
    from quizapp.bank.drill import Drill
    from quizapp.tui.app import QuizApp

WATCH_SECONDS = 1.0


class DrillScreen(Screen[bool | None]):
    """Write, run, read the verdict, repeat; dismissed with the last verdict (None: no run).

    In a mock interview the drill shares the mock's clock (`deadline`, on `now()`'s scale) and
    ends when it runs out.
    """

    # Short labels: every key has to fit an 80-column footer.
    BINDINGS = [
        Binding("ctrl+r", "run", "Run", show=True, priority=True, tooltip="Run the checks"),
        Binding("ctrl+s", "save", "Save", show=True, priority=True),
        Binding("ctrl+t", "hint", "Hint", show=True, priority=True),
        Binding("ctrl+o", "external", "$EDITOR", show=True, priority=True),
        Binding(
            "f2",
            "toggle_results",
            "Results",
            show=True,
            tooltip="Move between the editor and the results (arrows scroll them)",
        ),
        Binding("f3", "solution", "Solution", show=True),
        # Priority: the editor would otherwise swallow Escape and "esc Back" would do nothing.
        Binding(
            "escape",
            "leave",
            "Back",
            show=True,
            priority=True,
            tooltip="Cancel a run, or go back (your file is saved)",
        ),
    ]

    def __init__(self, drill_id: str, *, deadline: float | None = None) -> None:
        super().__init__()
        self.drill_id = drill_id
        self.deadline = deadline
        self.digest: str | None = None
        self.path: Path | None = None
        self.disk_mtime = 0.0
        self.hints_shown = 0
        self.started = now()
        self.cancel = threading.Event()
        self.running = False
        self.last_report: Report | None = None
        self.streamed: list[CheckResult] = []  # the running grade's checks, as judged
        self.total = 0  # checks in the running grade, once the first arrives

    @property
    def quiz_app(self) -> QuizApp:
        return cast("QuizApp", self.app)

    @property
    def drill(self) -> Drill:
        return self.quiz_app.study.drills[self.drill_id]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="drill-main"):
            with VerticalScroll(id="statement-pane"):
                yield Markdown(id="statement")
                yield Markdown(id="drill-hints")
            yield TextArea.code_editor("", language="python", id="editor")
        yield ProgressBar(id="grading", show_eta=False)
        with VerticalScroll(id="results-pane"):
            yield Static(id="results")
        # As on home: with every key shown, the palette hint would push F1 Help off at 80
        # columns; Ctrl+P still works and the help screen lists it.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        lang = self.quiz_app.language
        drill = self.drill
        title, statement = text_in(drill.title, lang), text_in(drill.statement, lang)
        self.query_one("#statement", Markdown).update(
            f"## {title}\n\n`{drill.signature}`\n\n{statement}"
        )
        self.query_one("#drill-hints", Markdown).display = False
        self.query_one("#grading", ProgressBar).display = False
        solution = self.quiz_app.study.open_solution(self.drill_id)
        self._load_text(solution.text, solution.digest, solution.path)
        self.query_one("#results", Static).update(
            Text(f"Your file: {solution.path}  ·  Ctrl+R runs the checks", style="dim")
        )
        self.set_interval(WATCH_SECONDS, self._watch_disk)
        if self.deadline is not None:
            self._tick()
            self.set_interval(1.0, self._tick)
        self.query_one("#editor", TextArea).focus()

    def _load_text(self, text: str, digest: str, path: Path) -> None:
        self.query_one("#editor", TextArea).load_text(text)
        self.digest = digest
        self.path = path
        self.disk_mtime = _mtime(path)

    def _save(self) -> bool:
        """Save the editor to the workspace; on a conflict with the disk, ask first."""
        from quizapp.store.workspace import WorkspaceConflict, WorkspaceError

        text = self.query_one("#editor", TextArea).text
        try:
            saved = self.quiz_app.study.workspace.save(self.drill_id, text, base_digest=self.digest)
        except WorkspaceConflict as exc:
            self.app.push_screen(
                Confirm(f"{exc}\n\nReplace the file on disk with the editor's text?"),
                self._overwrite_answered,
            )
            return False
        except WorkspaceError as exc:
            self.notify(str(exc), severity="error")
            return False
        self.digest = saved.digest
        self.disk_mtime = _mtime(saved.path)
        return True

    def _overwrite_answered(self, yes: bool | None) -> None:
        if yes:
            text = self.query_one("#editor", TextArea).text
            saved = self.quiz_app.study.workspace.save(
                self.drill_id, text, base_digest=None, overwrite=True
            )
            self.digest = saved.digest
            self.disk_mtime = _mtime(saved.path)
            self.notify("Saved over the file on disk.")

    @guarded
    def action_save(self) -> None:
        if self._save():
            self.notify("Saved.", timeout=2)

    @guarded
    def action_run(self) -> None:
        if self.running:
            return
        if not self._save():
            return
        self._start_grading(self.query_one("#editor", TextArea).text)

    def _start_grading(self, source: str) -> None:
        self.running = True
        self.cancel = threading.Event()
        self.streamed = []
        self.total = 0
        bar = self.query_one("#grading", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#results", Static).update(
            Text("Grading… (the first run starts the grader: a few seconds; Esc cancels)")
        )
        self.grade(source)

    @work(thread=True, exclusive=True, group="grading", exit_on_error=False)
    def grade(self, source: str) -> None:
        study = self.quiz_app.study

        def progress(done: int, total: int, result: CheckResult) -> None:
            self.app.call_from_thread(self._progress, done, total, result)

        try:
            report = study.grade(
                self.drill_id,
                source,
                str(self.path or "solution.py"),
                progress=progress,
                cancel=self.cancel,
                seconds=now() - self.started,
                hint_used=self.hints_shown > 0,
            )
        except Exception as exc:  # the grader's own failure, shown in the results pane
            self.app.call_from_thread(self._grader_failed, exc)
            return
        self.app.call_from_thread(self._show_report, report)

    def _progress(self, done: int, total: int, result: CheckResult) -> None:
        """One more check judged: its row joins the table, which keeps the newest in view."""
        self.streamed.append(result)
        self.total = total
        self.query_one("#grading", ProgressBar).update(total=total, progress=done)
        failed = sum(not r.passed for r in self.streamed)
        status = f"Checking… {done} of {total}" + (f", {failed} failed" if failed else "")
        self._show_results(
            Group(Text(status, style="bold"), checks_table(self.streamed, total=total)), end=True
        )

    def _grader_failed(self, exc: Exception) -> None:
        self.running = False
        self.query_one("#grading", ProgressBar).display = False
        self.query_one("#results", Static).update(
            Text(f"The grader failed (not your code): {exc}", style="bold red")
        )

    def _show_report(self, report: Report) -> None:
        self.running = False
        self.last_report = report
        self.query_one("#grading", ProgressBar).display = False
        view: RenderableType
        if report.cancelled:
            ran = f"{len(self.streamed)} of {self.total}" if self.total else "none of the"
            note = Text(f"Cancelled: {ran} checks had run.", style="bold yellow")
            view = Group(note, checks_table(self.streamed)) if self.streamed else note
        else:
            hint = self._next_hint_text()
            summary = report_view(
                report,
                text_in(self.drill.title, self.quiz_app.language),
                hint=Text(hint, style="cyan") if hint else None,
                show_all_output="`quizapp check --verbose` shows all",
            )
            parts: list[RenderableType] = [summary, Text()]
            if report.passed:
                parts += [Text("Compare with the reference solution (F3), or pick the next drill.")]
                parts += [Text()]
            every = Text("Every check", style="bold")
            view = Group(*parts, every, checks_table(report.checks))
        self._show_results(view, end=False)

    def _show_results(self, view: RenderableType, *, end: bool) -> None:
        self.query_one("#results", Static).update(view)
        pane = self.query_one("#results-pane", VerticalScroll)
        # After the refresh: scrolling before the new content's layout leaves the pane where it was.
        if end:
            self.call_after_refresh(pane.scroll_end, animate=False)
        else:
            self.call_after_refresh(pane.scroll_home, animate=False)

    def _next_hint_text(self) -> str:
        hints = self.drill.hints
        if self.hints_shown >= len(hints):
            return ""
        return f"Stuck? Ctrl+T shows hint {self.hints_shown + 1} of {len(hints)}."

    async def _show_beside_statement(self, markdown: str) -> None:
        """Show hints or the solution under the statement and scroll them into view.

        The Markdown update is awaited first: scrolling before its layout is done leaves the
        pane where it was (seen under load).
        """
        widget = self.query_one("#drill-hints", Markdown)
        widget.display = True
        await widget.update(markdown)
        self.call_after_refresh(widget.scroll_visible, animate=False)

    @guarded
    async def action_hint(self) -> None:
        hints = self.drill.hints
        if self.hints_shown >= len(hints):
            self.notify("No more hints; F3 shows the reference solution.")
            return
        self.hints_shown += 1
        lang = self.quiz_app.language
        body = "\n\n".join(
            f"**Hint {i + 1}.** {text_in(h, lang)}" for i, h in enumerate(hints[: self.hints_shown])
        )
        await self._show_beside_statement(body)

    @guarded
    def action_solution(self) -> None:
        self.app.push_screen(
            Confirm("Show the reference solution? Try the hints first: it is yours to write."),
            self._solution_answered,
        )

    async def _solution_answered(self, yes: bool | None) -> None:
        if not yes:
            return
        code = self.quiz_app.study.reference_solution(self.drill_id)
        await self._show_beside_statement(
            f"**Reference solution**\n\n```python\n{code.rstrip()}\n```"
        )

    @guarded
    def action_external(self) -> None:
        """Edit the file in $EDITOR (the app suspends), then reload and grade it."""
        if not self._save() or self.path is None:
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), str(self.path)], check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            self.notify(f"Could not run {editor}: {exc}", severity="error")
            return
        self._watch_disk()

    def _watch_disk(self) -> None:
        """Reload and re-grade when the file changed on disk since we last saw it."""
        if self.path is None or self.running:
            return
        mtime = _mtime(self.path)
        if mtime == self.disk_mtime:
            return
        from quizapp.store.workspace import WorkspaceError

        try:
            solution = self.quiz_app.study.workspace.load(self.drill_id)
        except WorkspaceError as exc:
            self.notify(str(exc), severity="error")
            return
        editor = self.query_one("#editor", TextArea)
        self.disk_mtime = mtime
        if solution.digest == self.digest:
            return
        if editor.text != solution.text and _digest(editor.text) != self.digest:
            self.notify(
                "The file changed on disk and you have unsaved edits here: Ctrl+S decides.",
                severity="warning",
            )
            return
        self._load_text(solution.text, solution.digest, solution.path)
        self.notify("Reloaded from disk; grading it.")
        self._start_grading(solution.text)

    def action_toggle_results(self) -> None:
        """Focus the results (to scroll a long report from the keyboard), or the editor again.

        The editor keeps Tab for indenting, so Tab cannot be the way out of it.
        """
        pane = self.query_one("#results-pane", VerticalScroll)
        if pane.has_focus:
            self.query_one("#editor", TextArea).focus()
        else:
            pane.focus()

    def _tick(self) -> None:
        assert self.deadline is not None
        remaining = max(0, round(self.deadline - now()))
        self.sub_title = f"⏱ {remaining // 60}:{remaining % 60:02d}"
        if remaining == 0 and not self.running:
            self.notify("Time is up: here is how you did.", severity="warning")
            self._save()
            self.dismiss(self._verdict())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A mock interview is the real thing: no hints and no peeking at the solution.
        return not (self.deadline is not None and action in ("hint", "solution"))

    def _verdict(self) -> bool | None:
        return None if self.last_report is None else self.last_report.passed

    def action_leave(self) -> None:
        if self.running:
            self.cancel.set()
            self.notify("Cancelling…", timeout=2)
            return
        editor = self.query_one("#editor", TextArea)
        if _digest(editor.text) != self.digest and not self._save():
            return
        self.dismiss(self._verdict())


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _digest(text: str) -> str:
    from quizapp.store.workspace import code_hash

    return code_hash(text)
