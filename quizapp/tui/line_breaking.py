"""CJK-aware line breaking for everything the TUI wraps: a line may break between two CJK
characters, as Chinese is set, instead of only at spaces.

Rich and Textual wrap at whitespace only, so a run of Chinese after a space is one "word": it
moves to the next line whole and leaves the line before half empty, or (where overflow is
"ellipsis", as in option lists) is cut with "…". Both libraries find their break points in one
function: Rich's `rich._wrap.words` (behind `Text.wrap`, and so behind tables, `Static` and
option lists, and behind Textual's `Content`, which the Markdown widget renders with) and
Textual's `textual._wrap.chunks` (behind `TextArea`'s soft wrap). `install()` wraps each so that
every whitespace-delimited word is further split at the places a line may break inside it. A
word without CJK characters comes back exactly as before, so Latin words and numbers are never
split; punctuation follows the usual rule of Chinese typesetting (kinsoku): no line starts
with closing punctuation such as `，。、；：！？）」』`, none ends with opening `（「『`.

It is a patch of two private functions, made here once (the app calls `install()` when it is
built); `tests/tui/test_line_breaking.py` fails if a Rich or Textual upgrade moves them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

import rich._wrap
import textual._wrap

Words = Callable[[str], Iterable[tuple[int, int, str]]]

# Where a line may break next to a character: ideographs, kana, Hangul, CJK and full-width
# punctuation. Full-width letters and digits (U+FF10-FF5A) are left out: they are a word.
_BREAKABLE_RANGES = (
    (0x2E80, 0x2FFF),
    (0x3000, 0x303F),
    (0x3040, 0x30FF),
    (0x3100, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF01, 0xFF0F),
    (0xFF1A, 0xFF20),
    (0xFF3B, 0xFF40),
    (0xFF5B, 0xFFEF),
    (0x20000, 0x3FFFF),
)
# Kinsoku: characters that may not start a line, and characters that may not end one.
NO_LINE_START = frozenset(
    "，。、；：！？）」』】》〉〕〗〙〛｝］｠”’…‥—・·～％‰℃々〻ゝゞ〜"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶー"
    ",.;:!?)]}%"
)
NO_LINE_END = frozenset("（「『【《〈〔〖〘〚｛［｟“‘([{")

_LOW = min(low for low, _ in _BREAKABLE_RANGES)
_LOW_CHAR = chr(_LOW)


def _breakable(ch: str) -> bool:
    code = ord(ch)
    return code >= _LOW and any(low <= code <= high for low, high in _BREAKABLE_RANGES)


def break_points(word: str) -> list[int]:
    """Indices inside `word` (no whitespace) where a line may break: beside a CJK character,
    never before closing or after opening punctuation, never between two non-CJK characters."""
    points = []
    for index in range(1, len(word)):
        before, after = word[index - 1], word[index]
        if after in NO_LINE_START or before in NO_LINE_END:
            continue
        if _breakable(before) or _breakable(after):
            points.append(index)
    return points


def split_cjk(pieces: Iterable[tuple[int, int, str]], text: str) -> Iterator[tuple[int, int, str]]:
    """`pieces` (spans of `text`, each whitespace around a word) with CJK words cut further.

    Leading whitespace stays with the first part and trailing whitespace with the last, which is
    what both wrappers expect of a word.
    """
    for start, end, piece in pieces:
        # `max` runs in C: nearly every word of English text leaves here at once.
        if max(piece) < _LOW_CHAR:
            yield start, end, piece
            continue
        core_start = start + len(piece) - len(piece.lstrip())
        core = piece.strip()
        cuts = [core_start + point for point in break_points(core)]
        bounds = [start, *cuts, end]
        for left, right in itertools.pairwise(bounds):
            yield left, right, text[left:right]


def _cjk_aware(original: Words) -> Words:
    def words(text: str) -> Iterator[tuple[int, int, str]]:
        return split_cjk(original(text), text)

    words.__wrapped__ = original  # type: ignore[attr-defined]
    return words


def install() -> None:
    """Make Rich's and Textual's wrapping CJK-aware (once; calling again changes nothing)."""
    # mypy sees module functions as read-only; replacing them is the point here.
    if not hasattr(rich._wrap.words, "__wrapped__"):
        rich._wrap.words = _cjk_aware(rich._wrap.words)  # type: ignore[assignment]
    if not hasattr(textual._wrap.chunks, "__wrapped__"):
        textual._wrap.chunks = _cjk_aware(textual._wrap.chunks)  # type: ignore[assignment]
