"""`quizapp validate` and `quizapp schema`: checking decks and describing their format."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from quizapp.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_command


def register(sub: Any) -> None:
    validate = add_command(
        sub, "validate", cmd_validate, "check decks and drills; prints FILE:LINE: message each"
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
    validate.add_argument(
        "--strict",
        action="store_true",
        help="treat author warnings (answer given away by length, near-duplicates, ...) as errors",
    )
    add_command(sub, "schema", cmd_schema, "print the JSON Schema of a deck file")


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the given paths, or the shipped bank and the user's `--bank` folders."""
    from quizapp.bank.drill import SHIPPED_DRILLS, drill_files, load_drills
    from quizapp.bank.loader import load_bank

    if args.paths:
        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            print(
                f"quizapp validate: no such file or folder: {', '.join(missing)}", file=sys.stderr
            )
            return EXIT_USAGE
        roots = [Path(p) for p in args.paths]
        # A drill file or drills folder named directly is validated as drills, not as decks.
        deck_roots = [
            r for r in roots if not (drill_files(r) and (r.is_file() or r.name == "drills"))
        ]
        bank = load_bank(deck_roots, shipped=False)
        drills = load_drills(roots)
    else:
        # Everything the app loads: the shipped bank, config.toml's folders, the decks that
        # `quizapp import` wrote into the data folder, and --bank folders.
        from quizapp.config import data_dir, load_settings

        configured = load_settings(data_dir(args.data_dir)).banks
        folders = [*(b for b in configured if b.exists()), *(Path(p) for p in args.bank)]
        bank = load_bank(folders)
        drills = load_drills([SHIPPED_DRILLS, *folders])
    bank.problems.extend(drills.problems)
    from quizapp.bank.lint import lint_bank

    warnings = lint_bank(bank)
    for problem in [*bank.problems, *warnings]:
        print(problem)
    n_questions = sum(len(d) for d in bank.decks)
    sys.stdout.flush()
    counted = f"{len(warnings)} warning(s)" if warnings else ""
    if bank.problems or (warnings and args.strict):
        files = len(bank.broken_files())
        problems = f"{len(bank.problems)} problem(s) in {files} file(s); " if bank.problems else ""
        print(
            f"{problems}{counted + '; ' if counted else ''}"
            f"{n_questions} valid question(s) in {len(bank.decks)} deck(s)"
            + ("; --strict counts warnings as problems" if warnings and args.strict else ""),
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    tail = f" ({counted}: --strict makes them errors)" if counted else ""
    print(
        f"OK: {n_questions} questions in {len(bank.decks)} decks, {len(drills.drills)} drills"
        + tail
    )
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the deck JSON Schema."""
    from quizapp.bank.schema import deck_schema

    print(json.dumps(deck_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK
