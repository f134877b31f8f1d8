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
    from quizapp.grading.rich_view import report_view

    lang = _lang(args)
    index = min(max(args.hint, 1), len(drill.hints))
    more = f"; `--hint {index + 1}` for the next" if index < len(drill.hints) else ""
    hint = Text.assemble(
        ("Hint ", "bold cyan"),
        f"({index}/{len(drill.hints)}{more}): ",
        text_in(drill.hints[index - 1], lang),
    )
    view = report_view(
        report, text_in(drill.title, lang), hint=hint, verbose=bool(getattr(args, "verbose", False))
    )
    Console(highlight=False).print(view)
