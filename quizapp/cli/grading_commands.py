"""`quizapp check` and `quizapp drills`: grading a drill solution and listing the drills."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_command

if TYPE_CHECKING:
    from quizapp.bank.drill import Drill
    from quizapp.grading.report import Report


def register(sub: Any) -> None:
    check = add_command(sub, "check", cmd_check, "grade a drill solution against torch")
    check.add_argument("drill", metavar="DRILL", help="drill id (see `quizapp drills`)")
    check.add_argument("file", metavar="FILE", help="your Python file")
    check.add_argument("--json", action="store_true", help="print the report as one JSON object")
    check.add_argument(
        "--hint", type=int, default=1, metavar="N", help="which hint to show on failure (1 = first)"
    )
    check.add_argument("--lang", choices=("en", "zh"), help="language of hints and diagnosis")
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
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from quizapp.bank.model import text_in

    console = Console(highlight=False)
    table = Table(title=f"{drill.id}: {text_in(drill.title, _lang(args))}", show_lines=False)
    table.add_column("", width=2)
    table.add_column("check")
    table.add_column("result", overflow="fold")
    for check in report.checks:
        mark = Text("✓", style="green") if check.passed else Text("✗", style="bold red")
        table.add_row(mark, check.name, Text(check.message or "ok"))
    console.print(table)
    for d in report.diagnosis:
        console.print(
            Text.assemble(("Diagnosis ", "bold yellow"), (f"[{d.id}] ", "yellow"), d.message)
        )
    if report.output:
        console.print(Text("Your code printed:", style="bold"))
        console.print(Text(report.output))
    if report.passed:
        console.print(Text(f"PASSED in {report.duration_s:.2f}s", style="bold green"))
        return
    failed = len(report.failed_checks)
    console.print(
        Text(
            f"FAILED: {failed} of {len(report.checks)} checks, {report.duration_s:.2f}s",
            style="bold red",
        )
    )
    index = min(max(args.hint, 1), len(drill.hints))
    hint = text_in(drill.hints[index - 1], _lang(args))
    more = f"; `--hint {index + 1}` for the next" if index < len(drill.hints) else ""
    console.print(
        Text.assemble(("Hint ", "bold cyan"), f"({index}/{len(drill.hints)}{more}): ", hint)
    )
