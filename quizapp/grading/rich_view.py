"""A grading report as Rich renderables: what `quizapp check` prints and the drill screen shows.

`render.py` decides what to say (verdict, grouped failures, detail lines); this module styles it.
Everything is a renderable rather than printed text, so it wraps to whatever width it is given:
the terminal's for the CLI, the results pane's in the TUI.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from quizapp.grading import render
from quizapp.grading.report import CheckResult, Report

PASS_MARK = ("✓", "green")
FAIL_MARK = ("✗", "bold red")
# Lines of the submission's printed output shown unless asked for all (the last ones).
OUTPUT_LINES = 10


def report_view(
    report: Report,
    title: str,
    *,
    hint: Text | None = None,
    verbose: bool = False,
    show_all_output: str = "--verbose shows all",
) -> Group:
    """The verdict first, then the diagnosis, the failing checks, the output and `hint`.

    `verbose` lists every check with each failure in full; otherwise failures are grouped by
    the way they fail and passes are counted.
    """
    parts: list[RenderableType] = [_headline(report, title)]
    for diagnosis in report.diagnosis:
        explanation, quiz = render.split_diagnosis(diagnosis)
        parts.append(Text())
        parts.append(Text.assemble(("Diagnosis: ", "bold yellow"), (diagnosis.id, "yellow")))
        parts.append(_indent(Text(explanation), 2))
        if quiz:
            label = "Quiz question to study: " if len(quiz) == 1 else "Quiz questions to study: "
            parts.append(_indent(Text.assemble((label, "bold"), ", ".join(quiz)), 2))
    if report.failed_checks or verbose:
        parts.append(Text())
        parts.extend(_every_check(report) if verbose else _failure_groups(report))
    if report.output:
        lines, left_out = render.tail(report.output, None if verbose else OUTPUT_LINES)
        more = f" (last {len(lines)} lines; {show_all_output})" if left_out else ""
        parts.append(Text())
        parts.append(Text(f"Your code printed{more}:", style="bold"))
        parts.append(_indent(Text("\n".join(lines), style="dim"), 2))
    if hint is not None and not report.passed:
        parts.append(Text())
        parts.append(hint)
    parts.extend(_protections(report, verbose))
    return Group(*parts)


def _protections(report: Report, verbose: bool) -> list[RenderableType]:
    """A protection this machine lacks is always said; `verbose` lists every one in force."""
    missing = [p for p in report.protections if not p.active]
    shown = report.protections if verbose else missing
    if not shown:
        return []
    lines: list[RenderableType] = [Text()]
    if missing:
        lines.append(Text("Sandbox: not every protection is in force here", style="bold yellow"))
    else:
        lines.append(Text("Sandbox:", style="bold"))
    for p in shown:
        mark = PASS_MARK if p.active else ("!", "bold yellow")
        lines.append(_indent(Text.assemble(mark, " ", (p.name, "bold"), f": {p.detail}"), 2))
    return lines


def checks_table(results: Sequence[CheckResult], *, total: int | None = None) -> Table:
    """One row per check: a mark, its name and why it failed; `total` adds a pending row."""
    table = Table(box=None, padding=(0, 1), expand=True, show_edge=False, header_style="bold")
    table.add_column("", width=1, no_wrap=True)
    table.add_column("check", ratio=3, overflow="fold")
    table.add_column("result", ratio=2, overflow="fold")
    for result in results:
        mark, style = PASS_MARK if result.passed else FAIL_MARK
        reason = "" if result.passed else render.short_reason(result.message)
        name_style = "" if result.passed else "bold"
        table.add_row(Text(mark, style=style), Text(result.name, style=name_style), reason)
    if total is not None and len(results) < total:
        table.add_row(Text("…", style="dim"), Text(f"{total - len(results)} more to run", "dim"))
    return table


def _headline(report: Report, title: str) -> Text:
    style = "bold green" if report.passed else "bold yellow" if report.cancelled else "bold red"
    return Text.assemble(
        (render.verdict(report), style), "  ", (title, "bold"), f" · {render.tally(report)}"
    )


def _failure_groups(report: Report) -> list[RenderableType]:
    """One line per way of failing; the first failure (and first crash) in full; passes counted."""
    parts: list[RenderableType] = []
    detailed = render.detailed_checks(report)
    for group in render.group_failures(report.checks):
        alone = len(group.checks) == 1
        line = Text.assemble(FAIL_MARK, " ", (group.label, "bold"))
        if not (alone and group.checks[0] in detailed):  # else the whole message follows
            line.append(f": {group.reason}")
            line.no_wrap, line.overflow = True, "ellipsis"  # one line a group; details below
        parts.append(line)
        parts.extend(_detail(c, named=not alone) for c in group.checks if c in detailed)
    passed = len(report.checks) - len(report.failed_checks)
    if passed:
        noun = "check" if passed == 1 else "checks"
        parts.append(Text.assemble(PASS_MARK, f" {passed} {noun} passed"))
    return parts


def _every_check(report: Report) -> list[RenderableType]:
    """Every check in order, each failure in full."""
    parts: list[RenderableType] = []
    for check in report.checks:
        if check.passed:
            parts.append(Text.assemble(PASS_MARK, " ", check.name))
        else:
            parts.append(Text.assemble(FAIL_MARK, " ", (check.name, "bold")))
            parts.append(_detail(check, named=False))
    return parts


def _detail(check: CheckResult, *, named: bool) -> _Indented:
    """A check's whole message under its line (headed by the check's name inside a group)."""
    text = Text()
    if named:
        text.append(f"{check.name}:\n", style="italic")
    text.append("\n".join(render.detail_lines(check.message)))
    return _indent(text, 4)


def _indent(text: Text, by: int) -> _Indented:
    return _Indented(text, by)


class _Indented:
    """`text` wrapped to the width given less `by`, every line indented by `by`.

    Unlike Rich's `Padding`, lines are not padded out to a common width, so the CLI's output
    has no trailing spaces.
    """

    def __init__(self, text: Text, by: int) -> None:
        self.text = text
        self.by = by

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.text.wrap(console, max(options.max_width - self.by, 20)):
            line.rstrip()
            yield Text(" " * self.by) + line
