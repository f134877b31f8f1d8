"""The `quizapp` command: the TUI by default, and subcommands that do everything without it.

Each subcommand is a thin shell over the same functions the TUI calls; each family of them lives
in its own module here with a `register(subparsers)` function. Heavy imports (pydantic,
torch, textual) happen inside the subcommand that needs them, so `quizapp --help` stays instant.
Exit status: 0 success, 1 a problem with the user's input (reported), 2 usage.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from quizapp import __version__
from quizapp.cli.common import EXIT_OK, Handler


def _global_parser(*, add_help: bool) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quizapp",
        description="Interview prep for ML engineers: quizzes and from-scratch layer drills.",
        add_help=add_help,
    )
    parser.add_argument("--version", action="version", version=f"quizapp {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="progress, workspace and settings (default: per user)"
    )
    parser.add_argument(
        "--bank",
        metavar="DIR",
        action="append",
        default=[],
        help="also load the decks in DIR (repeatable; added to `banks` in config.toml)",
    )
    return parser


def _parser() -> argparse.ArgumentParser:
    from quizapp.cli import bank_commands, grading_commands, progress_commands, study_commands

    parser = _global_parser(add_help=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (bank_commands, grading_commands, progress_commands, study_commands):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `quizapp` console script."""
    # Plain `quizapp` (global options only) opens the TUI without importing any subcommand:
    # start-up is measured against a bare Textual app, and those modules cost ~10 ms.
    early, rest = _global_parser(add_help=False).parse_known_args(argv)
    if not rest:
        import gc

        from quizapp.tui.app import make_app

        # What the imports created (modules, classes, Textual's CSS) lives as long as the app:
        # frozen, the cyclic GC stops re-scanning it at every collection, which on a warm start
        # with 10,000 questions (50,000 objects unpickled) cost ~15 ms before the first screen.
        gc.freeze()
        make_app(early.data_dir, [Path(b) for b in early.bank]).run()
        return EXIT_OK
    args = _parser().parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:  # pragma: no cover - only global options, handled above
        return EXIT_OK
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
