"""`quizapp stats` and `quizapp export`: the self-assessment report from the progress store.

`export --format anki-tsv` writes bank questions as notes Anki imports (see `quiz/anki.py`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_command

if TYPE_CHECKING:
    from rich.console import Console

    from quizapp.bank.loader import Bank
    from quizapp.bank.model import Lang
    from quizapp.quiz.sessions import ItemInfo
    from quizapp.store.progress import ProgressStore
    from quizapp.store.records import History
    from quizapp.store.report import Report

EXPORT_FORMATS = ("md", "json", "anki-tsv")
BAR_WIDTH = 12
DAILY_ROWS = 14


def register(sub: Any) -> None:
    stats = add_command(sub, "stats", cmd_stats, "self-assessment report from your progress")
    stats.add_argument("--json", action="store_true", help="print the report as JSON")
    export = add_command(
        sub,
        "export",
        cmd_export,
        "write your history and report (md, json), or the bank as Anki notes (anki-tsv)",
    )
    export.add_argument("--format", choices=EXPORT_FORMATS, default="md", help="default: md")
    export.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument("--deck", metavar="DECK", help="anki-tsv: only this deck")
    export.add_argument(
        "--lang", choices=("en", "zh"), help="anki-tsv: language (default: from config)"
    )


def local_tz() -> tzinfo:
    """The machine's local time zone (study days are local days)."""
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


def open_store(args: argparse.Namespace) -> ProgressStore:
    """The store in the data folder; notices (a file moved aside, ...) go to stderr."""
    from quizapp.config import data_dir
    from quizapp.store.progress import ProgressStore

    store = ProgressStore.open(data_dir(args.data_dir))
    for notice in store.notices:
        print(f"quizapp: {notice.message}", file=sys.stderr)
    return store


def load_user_bank(args: argparse.Namespace) -> Bank:
    """The shipped bank, the configured folders (and `<data dir>/decks`) and `--bank` ones."""
    from quizapp.bank.loader import load_bank
    from quizapp.config import data_dir, load_settings

    settings = load_settings(data_dir(args.data_dir))
    return load_bank([*settings.banks, *(Path(p) for p in args.bank)])


def catalog_and_related(
    args: argparse.Namespace,
) -> tuple[list[ItemInfo], dict[str, tuple[str, ...]], Callable[[str], str]]:
    """The catalog (questions and drills), each drill's related question ids, and how to
    name an item to the user (its prompt or title, not its id)."""
    from quizapp.bank.drill import load_drills
    from quizapp.bank.labels import item_label
    from quizapp.config import data_dir, load_settings
    from quizapp.quiz.sessions import catalog_from_bank

    bank = load_user_bank(args)
    drills = load_drills()
    problems = len(bank.problems) + len(drills.problems)
    if problems:
        print(
            f"quizapp: {problems} problem(s) in the bank; run `quizapp validate` to see them",
            file=sys.stderr,
        )
    related = {d.id: d.related for d in drills.drills.values()}
    lang: Lang = "zh" if load_settings(data_dir(args.data_dir)).language == "zh" else "en"

    def describe(item_id: str) -> str:
        return item_label(bank, drills.drills, item_id, lang)

    return catalog_from_bank(bank, drills.drills.values()), related, describe


def load_catalog(args: argparse.Namespace) -> list[ItemInfo]:
    """Every question and drill that can be asked."""
    return catalog_and_related(args)[0]


def _report_inputs(
    args: argparse.Namespace,
) -> tuple[Report, History, datetime, tzinfo, Callable[[str], str]]:
    from quizapp.store.report import build_report
    from quizapp.store.study_settings import read_study_settings

    catalog, related, describe = catalog_and_related(args)
    with open_store(args) as store:
        history = store.history()
        now = store.now()
        tz = local_tz()
        report = build_report(
            history,
            catalog,
            now=now,
            tz=tz,
            scheduler=store.scheduler,
            leech_threshold=read_study_settings(store).leech_threshold,
            drill_related=related,
        )
    return report, history, now, tz, describe


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the report: Rich tables with bars, or JSON with `--json`."""
    from quizapp.store.errors import StoreError
    from quizapp.store.report import report_to_dict

    try:
        report, _history, _now, _tz, describe = _report_inputs(args)
    except StoreError as exc:
        print(f"quizapp stats: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.json:
        print(json.dumps(report_to_dict(report), indent=2, ensure_ascii=False))
        return EXIT_OK
    from rich.console import Console

    _print_report(Console(), report, describe)
    return EXIT_OK


def _anki_text(args: argparse.Namespace) -> str | None:
    """The bank (or one deck) as an Anki import file; None (reported) for an unknown deck."""
    from quizapp.config import data_dir, load_settings
    from quizapp.quiz.anki import anki_tsv, note_for

    bank = load_user_bank(args)
    chosen = args.lang or load_settings(data_dir(args.data_dir)).language
    lang: Lang = "zh" if chosen == "zh" else "en"
    decks = bank.decks
    if args.deck:
        decks = [d for d in bank.decks if d.deck_id == args.deck]
        if not decks:
            known = ", ".join(d.deck_id for d in bank.decks)
            print(f"quizapp export: no deck '{args.deck}'; decks: {known}", file=sys.stderr)
            return None
    notes = [note_for(q, lang, deck_id=d.deck_id) for d in decks for q in d.questions]
    return anki_tsv(notes, deck=f"quizapp::{args.deck}" if args.deck else "quizapp")


def cmd_export(args: argparse.Namespace) -> int:
    """Write the history and report as Markdown or JSON, or Anki notes, to a file or stdout."""
    from quizapp.store.errors import StoreError
    from quizapp.store.export import export_json, export_markdown

    if args.format == "anki-tsv":
        anki = _anki_text(args)
        if anki is None:
            return EXIT_USAGE
        text = anki
    else:
        if args.deck or args.lang:
            print("quizapp export: --deck and --lang apply to --format anki-tsv", file=sys.stderr)
            return EXIT_USAGE
        try:
            report, history, now, tz, _describe = _report_inputs(args)
        except StoreError as exc:
            print(f"quizapp export: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
        if args.format == "json":
            text = json.dumps(export_json(history, report, now=now), indent=2, ensure_ascii=False)
            text += "\n"
        else:
            text = export_markdown(history, report, tz=tz)
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    out = Path(args.output).expanduser()
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"quizapp export: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def _bar(share: float | None) -> str:
    if share is None:
        return "[dim]" + "·" * BAR_WIDTH + "[/]"
    filled = round(share * BAR_WIDTH)
    color = "green" if share >= 0.8 else "yellow" if share >= 0.5 else "red"
    return f"[{color}]{'█' * filled}[/][dim]{'░' * (BAR_WIDTH - filled)}[/]"


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def _print_report(console: Console, report: Report, describe: Callable[[str], str]) -> None:
    from rich.table import Table

    t = report.totals
    overview = Table(title="Overview", show_header=False)
    overview.add_column("what")
    overview.add_column("value")
    overview.add_row("attempts", f"{t.attempts} ({t.correct} right)")
    overview.add_row("accuracy", f"{_bar(t.accuracy)} {_pct(t.accuracy)}")
    overview.add_row("mastery", f"{_bar(t.mastery)} {_pct(t.mastery)} ({t.mastered}/{t.items})")
    overview.add_row("seen", f"{t.items_seen} of {t.items} items")
    s = report.streak
    overview.add_row("streak", f"{s.current} day(s), longest {s.longest}")
    d = report.due
    overview.add_row("due", f"{d.today} today, {d.this_week} this week, {d.new} new")
    dr = report.drills
    overview.add_row(
        "drills",
        f"{dr.passed} passed of {dr.attempted} tried in {dr.runs} run(s), "
        f"first-pass {_pct(dr.first_pass_rate)}",
    )
    if report.by_mode:
        overview.add_row("modes", ", ".join(f"{m} {n}" for m, n in report.by_mode.items()))
    if report.totals.overridden:
        overview.add_row("your call", f"{report.totals.overridden} right on your word (o)")
    console.print(overview)

    tried_tags = [g for g in report.tags if g.attempts]
    for title, groups in (("Decks", report.decks), ("Tags tried", tried_tags)):
        if not groups:
            continue
        table = Table(title=title)
        table.add_column("name", overflow="fold")
        table.add_column("items", justify="right")
        table.add_column("attempts", justify="right")
        table.add_column("accuracy", no_wrap=True)
        table.add_column("mastery", no_wrap=True)
        table.add_column("due now", justify="right")
        for g in groups:
            table.add_row(
                g.name,
                str(g.items),
                str(g.attempts),
                f"{_bar(g.accuracy)} {_pct(g.accuracy)}",
                f"{_bar(g.mastery)} {_pct(g.mastery)}",
                str(g.due_now),
            )
        console.print(table)
    untried = len(report.tags) - len(tried_tags)
    if untried:
        console.print(f"[dim]{untried} tag(s) not tried yet (all are in --json).[/]")

    if report.weakest:
        weak = Table(title="Weakest topics")
        weak.add_column("tag", overflow="fold")
        weak.add_column("accuracy", no_wrap=True)
        weak.add_column("review", overflow="fold")
        for w in report.weakest:
            review = "\n".join(describe(i) for i in w.review_ids)
            weak.add_row(w.tag, f"{_bar(w.accuracy)} {_pct(w.accuracy)}", review)
        console.print(weak)

    if report.leeches:
        leeches = Table(title="Leeches: answered wrong again and again")
        leeches.add_column("question", overflow="fold")
        leeches.add_column("wrong", justify="right")
        leeches.add_column("learn it with", overflow="fold")
        for leech in report.leeches:
            offers = [f"drill: {describe(d)}" for d in leech.drills] + [
                describe(q) for q in leech.questions
            ]
            leeches.add_row(
                describe(leech.item_id),
                f"{leech.wrong}/{leech.attempts}",
                "\n".join(offers) or "-",
            )
        console.print(leeches)

    if report.daily:
        daily = Table(title="Accuracy by day")
        daily.add_column("day")
        daily.add_column("attempts", justify="right")
        daily.add_column("accuracy", no_wrap=True)
        for day in report.daily[-DAILY_ROWS:]:
            daily.add_row(day.day, str(day.attempts), f"{_bar(day.accuracy)} {_pct(day.accuracy)}")
        console.print(daily)
    if not report.totals.attempts:
        console.print("No answers recorded yet: start a session in the app.")
