"""`quizapp plan`, `undo`, `import` and `import-progress`: studying toward a date, moving data."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_command
from quizapp.cli.progress_commands import load_catalog, load_user_bank, local_tz, open_store

if TYPE_CHECKING:
    from quizapp.quiz.plan import StudyPlan

PLAN_DAYS_SHOWN = 14


def register(sub: Any) -> None:
    plan = add_command(sub, "plan", cmd_plan, "the daily plan toward your interview date")
    plan.add_argument(
        "--date", metavar="YYYY-MM-DD", help="set the interview date first ('none' clears it)"
    )
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    add_command(sub, "undo", cmd_undo, "revert the last recorded answer and its card state")
    imp = add_command(
        sub, "import", cmd_import, "turn a CSV/TSV file (front, back, tags) into a new deck"
    )
    imp.add_argument("file", metavar="FILE", help="a .csv or .tsv file")
    imp.add_argument("--deck", required=True, metavar="NAME", help="the new deck's name")
    merge = add_command(
        sub,
        "import-progress",
        cmd_import_progress,
        "merge a history exported elsewhere (export --format json); safe to repeat",
    )
    merge.add_argument("file", metavar="FILE", help="a JSON export")


def cmd_plan(args: argparse.Namespace) -> int:
    """Set the interview date if given, then print today's part and the days ahead."""
    from quizapp.store.errors import StoreError
    from quizapp.store.study_settings import (
        parse_interview_date,
        plan_from_store,
        set_interview_date,
    )

    interview = None
    clear = args.date is not None and args.date.strip().lower() in ("none", "")
    if args.date is not None and not clear:
        try:
            interview = parse_interview_date(args.date)
        except ValueError as exc:
            print(f"quizapp plan: {exc}", file=sys.stderr)
            return EXIT_USAGE
    catalog = load_catalog(args)
    try:
        with open_store(args) as store:
            if interview is not None or clear:
                set_interview_date(store, interview)
            plan = plan_from_store(store, catalog, tz=local_tz())
    except StoreError as exc:
        print(f"quizapp plan: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False))
        return EXIT_OK
    _print_plan(plan)
    return EXIT_OK


def _print_plan(plan: StudyPlan) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if plan.interview_date is not None:
        console.print(f"Interview: {plan.interview_date.isoformat()}")
    console.print(f"[bold]Today:[/] {plan.headline()}")
    if plan.weak_topics:
        console.print(f"Weakest topics (seen twice before the date): {', '.join(plan.weak_topics)}")
    for note in plan.notes:
        console.print(f"[yellow]{note}[/]")
    table = Table(title="Days ahead")
    table.add_column("day")
    table.add_column("reviews", justify="right")
    table.add_column("new", justify="right")
    table.add_column("drills", justify="right")
    for day in plan.days[:PLAN_DAYS_SHOWN]:
        table.add_row(
            day.day.strftime("%a %Y-%m-%d"),
            str(day.review_questions),
            str(day.new_questions),
            str(len(day.drills)),
        )
    console.print(table)
    if len(plan.days) > PLAN_DAYS_SHOWN:
        console.print(f"[dim]... {len(plan.days) - PLAN_DAYS_SHOWN} more day(s) in --json[/]")
    if plan.dated:
        console.print("[dim]The last day before the interview holds reviews only.[/]")


def cmd_undo(args: argparse.Namespace) -> int:
    """Revert the last answer: 0 and which question, 1 when there is nothing to undo."""
    from quizapp.store.errors import NothingToUndoError, StoreError

    try:
        with open_store(args) as store:
            attempt = store.undo_last()
    except NothingToUndoError:
        print("nothing to undo", file=sys.stderr)
        return EXIT_PROBLEMS
    except StoreError as exc:
        print(f"quizapp undo: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    verdict = "right" if attempt.correct else "wrong"
    when = attempt.answered_at.astimezone(local_tz()).strftime("%Y-%m-%d %H:%M")
    print(f"undid {attempt.item_id} ({verdict}, {attempt.mode}, {when}); its card is as before")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Write `<data dir>/decks/NAME.yaml` from a CSV/TSV file; bad rows: FILE:LINE: message."""
    from quizapp.bank.importing import check_deck_name, deck_name_for, write_imported_deck
    from quizapp.bank.problems import BankError
    from quizapp.config import data_dir, user_decks_dir

    source = Path(args.file)
    why = check_deck_name(deck_name_for(args.deck)[0])
    if why:
        print(f"quizapp import: {why}", file=sys.stderr)
        return EXIT_USAGE
    if not source.is_file():
        print(f"quizapp import: no such file: {source}", file=sys.stderr)
        return EXIT_USAGE
    bank = load_user_bank(args)
    folder = data_dir(args.data_dir)
    try:
        result = write_imported_deck(
            source,
            args.deck,
            user_decks_dir(folder),
            taken_ids=set(bank.deck_of),
            taken_decks={d.deck_id for d in bank.decks},
        )
    except BankError as exc:
        for problem in exc.problems:
            print(problem)
        print(
            f"quizapp import: {len(exc.problems)} problem(s); no deck was written",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    except FileExistsError as exc:
        print(f"quizapp import: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"quizapp import: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(
        f"wrote {result.path}: {result.questions} question(s) "
        f"({result.short_answer} short answer, {result.open} open). "
        "Fill in the Chinese text if you want it, then run `quizapp validate`."
    )
    return EXIT_OK


def cmd_import_progress(args: argparse.Namespace) -> int:
    """Merge a JSON export: 0 merged (maybe nothing new), 1 refused or unreadable."""
    from quizapp.store.errors import StoreError
    from quizapp.store.merge import merge_export, parse_export

    path = Path(args.file)
    try:
        doc = parse_export(path.read_bytes())
    except OSError as exc:
        print(
            f"quizapp import-progress: cannot read {path}: {exc.strerror or exc}", file=sys.stderr
        )
        return EXIT_PROBLEMS
    except StoreError as exc:
        print(f"quizapp import-progress: refused {path}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        with open_store(args) as store:
            result = merge_export(store, doc)
    except StoreError as exc:
        print(f"quizapp import-progress: refused {path}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(
        f"merged {path}: {result.attempts_added} new attempt(s) "
        f"({result.attempts_skipped} already here), {result.drill_runs_added} new drill run(s), "
        f"{result.cards_recomputed} card(s) recomputed"
    )
    return EXIT_OK
