"""What every subcommand module shares: exit codes, the handler type, the data folder option."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_command(sub: Any, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
    """Add a subcommand that runs `handler(args)`."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    return parser
