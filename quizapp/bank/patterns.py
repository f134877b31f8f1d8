"""Regular expressions from decks, matched by RE2: linear time whatever the pattern or input.

A `short_answer` pattern comes from whoever wrote the deck. Python's `re` backtracks, so a
pattern such as `^(a+)+$` can take longer than the universe on a short answer; RE2 never
backtracks. It lacks backreferences and lookaround, which the validator reports with the line.
"""

from __future__ import annotations

import functools
from typing import Any


class PatternError(ValueError):
    """The pattern does not compile under RE2; the message says why."""


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Any:
    """The compiled pattern (cached), or `PatternError`."""
    import re2  # deferred: only typed answers and validation need it

    options = re2.Options()
    options.log_errors = False  # errors are ours to report, not RE2's to print on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(str(reason)) from None


def pattern_search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches anywhere in `text` (a pattern that does not compile: never)."""
    try:
        return compile_pattern(pattern).search(text) is not None
    except PatternError:
        return False
