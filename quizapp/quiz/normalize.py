"""Normalizing typed answers so that case, spacing, punctuation and character width don't matter."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC (full-width to half-width, ligatures), case-folded, whitespace collapsed and trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def normalize_answer(text: str) -> str:
    """`fold`, then drop whitespace and punctuation entirely (symbols such as + and = stay)."""
    return "".join(
        ch for ch in fold(text) if not ch.isspace() and not unicodedata.category(ch).startswith("P")
    )


def normalize_output(text: str) -> str:
    """Program output as one line: every run of whitespace, newlines included, becomes a space.

    So a user may type a two-line output on one line ("False True"), and spacing inside a
    printed tensor does not matter.
    """
    return fold(text)
