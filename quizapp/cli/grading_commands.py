"""`quizapp check` and `quizapp drills`: grading a drill solution and listing the drills."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_command

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from quizapp.bank.drill import Drill
    from quizapp.grading.report import CheckResult, Report

# Lines of the submission's printed output shown without --verbose (the last ones).
OUTPUT_LINES = 10


def register(sub: Any) -> None:
    check = add_command(sub, "check", cmd_check, "grade a drill solution against torch")
    check.add_argument("drill", metavar="DRILL", help="drill id (see `quizapp drills`)")
    check.add_argument("file", metavar="FILE", help="your Python file")
    check.add_argument("--json", action="store_true", help="print the report as one JSON object")
    check.add_argument(
        "--hint", type=int, default=1, metavar="N", help="which hint to show on failure (1 = first)"
    )
    check.add_argument("--lang", choices=("en", "zh"), help="language of hints and diagnosis")
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every check and show every failure in full (no effect with --json)",
    )
    add_command(sub, "drills", cmd_drills, "list the coding drills")


def _drills() -> dict[str, Drill]:
    from quizapp.bank.drill import load_drills

    return load_drills().drills


def cmd_drills(args: argparse.Namespace) -> int:
    """Print `id  title` per drill."""
    from quizapp.bank.model import text_in

    drills = _drills()
    width = max((len(d) for d in drills), default=0)
    for drill_id, drill in drills.items():
        print(f"{drill_id:<{width}}  {text_in(drill.title, _lang(args))}")
    return EXIT_OK


def _lang(args: argparse.Namespace) -> Any:
    lang = getattr(args, "lang", None)
    if lang:
        return lang
    from quizapp.config import data_dir, load_settings

    return load_settings(data_dir(getattr(args, "data_dir", None))).language


def cmd_check(args: argparse.Namespace) -> int:
    """Grade FILE against DRILL: exit 0 passed, 1 failed, 2 usage."""
    drills = _drills()
    drill = drills.get(args.drill)
    if drill is None:
        known = ", ".join(drills)
        print(f"quizapp check: unknown drill '{args.drill}'; drills: {known}", file=sys.stderr)
        return EXIT_USAGE
    path = Path(args.file)
    if not path.is_file():
        print(f"quizapp check: no such file: {args.file}", file=sys.stderr)
        return EXIT_USAGE
    from quizapp.grading.client import GraderError, failed_report, grade

    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report = failed_report(drill.id, "read the file", f"cannot read {path}: {exc}")
    else:
        try:
            report = grade(drill.id, source, str(path.resolve()))
        except GraderError as exc:
            print(f"quizapp check: the grader failed (not your code): {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_report(report, drill, args)
    return EXIT_OK if report.passed else EXIT_PROBLEMS


def _print_report(report: Report, drill: Drill, args: argparse.Namespace) -> None:
    """The verdict first, then the diagnosis, the failing checks, the output and the next hint."""
    from rich.console import Console
    from rich.text import Text

    from quizapp.bank.model import text_in
    from quizapp.grading import render

    lang = _lang(args)
    verbose = bool(getattr(args, "verbose", False))
    console = Console(highlight=False)
    style = "bold green" if report.passed else "bold red"
    console.print(
        Text.assemble(
            (render.verdict(report), style),
            "  ",
            (text_in(drill.title, lang), "bold"),
            f" · {render.tally(report)}",
        )
    )
    for diagnosis in report.diagnosis:
        explanation, quiz = render.split_diagnosis(diagnosis)
        console.print()
        console.print(Text.assemble(("Diagnosis: ", "bold yellow"), (diagnosis.id, "yellow")))
        _indented(console, Text(explanation), 2)
        if quiz:
            label = "Quiz question to study: " if len(quiz) == 1 else "Quiz questions to study: "
            _indented(console, Text.assemble((label, "bold"), ", ".join(quiz)), 2)
    if report.failed_checks or verbose:
        console.print()
        if verbose:
            _print_every_check(report, console)
        else:
            _print_failure_groups(report, console)
    if report.output:
        lines, left_out = render.tail(report.output, None if verbose else OUTPUT_LINES)
        more = f" (last {len(lines)} lines; --verbose shows all)" if left_out else ""
        console.print()
        console.print(Text(f"Your code printed{more}:", style="bold"))
        _indented(console, Text("\n".join(lines), style="dim"), 2)
    if report.passed:
        return
    index = min(max(args.hint, 1), len(drill.hints))
    hint = text_in(drill.hints[index - 1], lang)
    more = f"; `--hint {index + 1}` for the next" if index < len(drill.hints) else ""
    console.print()
    _indented(
        console,
        Text.assemble(("Hint ", "bold cyan"), f"({index}/{len(drill.hints)}{more}): ", hint),
        0,
    )


def _print_failure_groups(report: Report, console: Console) -> None:
    """One line per way of failing; the first failure (and first crash) in full; passes counted."""
    from rich.text import Text

    from quizapp.grading import render

    detailed = render.detailed_checks(report)
    for group in render.group_failures(report.checks):
        alone = len(group.checks) == 1
        if alone and group.checks[0] in detailed:  # the whole message follows
            console.print(Text.assemble(("✗ ", "bold red"), (group.label, "bold")))
        else:
            line = Text.assemble(("✗ ", "bold red"), (group.label, "bold"), ": ", group.reason)
            line.truncate(console.width, overflow="ellipsis")
            console.print(line)
        for check in group.checks:
            if check in detailed:
                _print_detail(check, console, named=not alone)
    passed = len(report.checks) - len(report.failed_checks)
    if passed:
        noun = "check" if passed == 1 else "checks"
        console.print(Text.assemble(("✓ ", "green"), f"{passed} {noun} passed"))


def _print_every_check(report: Report, console: Console) -> None:
    """--verbose: every check in order, each failure in full."""
    from rich.text import Text

    for check in report.checks:
        if check.passed:
            console.print(Text.assemble(("✓ ", "green"), check.name))
        else:
            console.print(Text.assemble(("✗ ", "bold red"), (check.name, "bold")))
            _print_detail(check, console, named=False)


def _print_detail(check: CheckResult, console: Console, *, named: bool) -> None:
    """A check's whole message under its line (headed by the check's name inside a group)."""
    from rich.text import Text

    from quizapp.grading.render import detail_lines

    text = Text()
    if named:
        text.append(f"{check.name}:\n", style="italic")
    text.append("\n".join(detail_lines(check.message)))
    _indented(console, text, 4)


def _indented(console: Console, text: Text, by: int) -> None:
    """Print `text` wrapped to the console's width less `by`, every line indented by `by`."""
    from rich.text import Text

    for line in text.wrap(console, max(console.width - by, 20)):
        line.rstrip()
        console.print(Text(" " * by) + line)
