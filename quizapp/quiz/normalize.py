"""Normalizing typed answers so that case, spacing, punctuation and character width don't matter."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC (full-width to half-width, ligatures), case-folded, whitespace collapsed and trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


# Punctuation that changes what a formula means: N/(N-1) is not N/N-1.
_MEANINGFUL = frozenset("()[]{}/")


def normalize_answer(text: str) -> str:
    """`fold`, then drop whitespace and the punctuation that carries no meaning.

    Brackets and slashes stay (they group a formula), and so does a minus: a hyphen is dropped
    only between two letters, where it joins words ("rms-norm" reads as "rmsnorm"), and a point
    only stays between two digits. Symbols such as + and = are not punctuation and stay.
    """
    folded = fold(text).replace("\u2212", "-")  # the minus sign people paste from papers
    kept: list[str] = []
    for i, ch in enumerate(folded):
        if ch.isspace():
            continue
        if unicodedata.category(ch).startswith("P") and ch not in _MEANINGFUL:
            before, after = folded[i - 1 : i], folded[i + 1 : i + 2]
            joiner = ch == "-" and before.isalpha() and after.isalpha()
            decimal = ch == "." and before.isdigit() and after.isdigit()
            if not ((ch == "-" and not joiner) or decimal):
                continue
        kept.append(ch)
    return "".join(kept)


def normalize_output(text: str) -> str:
    """Program output as one line: every run of whitespace, newlines included, becomes a space.

    So a user may type a two-line output on one line ("False True"), and spacing inside a
    printed tensor does not matter.
    """
    return fold(text)
