"""Deck text as it reads, not as it was folded: line breaks the author typed only to keep YAML
lines short are removed between CJK characters when a deck or drill is loaded.

Markdown renders a single line break inside a paragraph as a space, which is right between two
English words and wrong between two Chinese characters ("偏小： 对"). Every screen, the CLI and
the exports read the loaded text, so joining those breaks here, once, fixes all of them. Only
paragraph text is touched: fenced and indented code blocks, inline code spans, headings, hard
breaks and blank-line paragraph breaks keep their line breaks, and code fields (`code`,
`solution_code`, `output`, a drill's `starter`) are never passed in.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from quizapp.bank.text import _CJK, LocalizedText, Text

# CJK characters plus the punctuation Chinese prose uses from the general blocks (dashes,
# ellipsis, curly quotes): a line break between two of these was never meant as a space.
_JOINS = _CJK + r"\u2014\u2026\u2018\u2019\u201c\u201d"
# Full-width punctuation carries its own spacing, so a break next to it joins whatever is on
# the other side (`code`\n（注） reads `code`（注）, not `code` （注）).
_FULL_WIDTH_PUNCTUATION = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_JOINS_ONE = re.compile(f"[{_JOINS}]")
_FULL_WIDTH_ONE = re.compile(f"[{_FULL_WIDTH_PUNCTUATION}]")
# A line break with the indentation after it; one space before it is still a soft break, two
# make a hard break (then the character before the match is a space, and nothing joins).
_BREAK = re.compile(r"[ \t]?\n[ \t]*")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
# A line that starts a new block inside the text: a list item, a quote, a table row, HTML.
_BLOCK_START = re.compile(r"^ {0,3}(?:[-+*][ \t]|\d{1,9}[.)][ \t]|>|\||<)")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)

# Fields holding prose (Markdown) in the deck and drill models; code fields are left out on
# purpose. `choices` holds Choice objects whose `text` and `why` are prose too.
_PROSE_FIELDS = frozenset(
    {"prompt", "explanation", "hints", "model_answer", "rubric", "title", "description"}
    | {"statement", "text", "why"}
)

T = TypeVar("T")


def join_folded_lines(source: str) -> str:
    """`source` with each single line break between two CJK characters removed.

    A break beside full-width punctuation goes too, whatever is on its other side. Breaks
    elsewhere stay as they are (Markdown shows them as a space), and so does everything
    inside code blocks and inline code.
    """
    if "\n" not in source or not _JOINS_ONE.search(source):
        return source
    out: list[str] = []
    paragraph: list[str] = []
    fence: str | None = None  # the opening fence while inside a fenced code block
    previous_blank = True
    code_block = False  # inside an indented code block
    for line in source.split("\n"):
        blank = not line.strip()
        indented = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" ")) >= 4
        if fence is not None:
            verbatim = True
            closing = _FENCE.match(line)
            if (
                closing
                and closing[1][0] == fence[0]
                and len(closing[1]) >= len(fence)
                and not line[closing.end() :].strip()
            ):
                fence = None
        elif (opening := _FENCE.match(line)) is not None:
            verbatim, fence = True, opening[1]
        else:
            # An indented line starts a code block only where a paragraph could not go on.
            code_block = indented and not blank and (previous_blank or code_block)
            verbatim = blank or code_block or bool(_HEADING.match(line))
        if verbatim or _BLOCK_START.match(line):
            out.extend(_join_paragraph(paragraph))
            paragraph = []
        if verbatim:
            out.append(line)
        else:
            paragraph.append(line)
        previous_blank = blank
    out.extend(_join_paragraph(paragraph))
    return "\n".join(out)


def _join_paragraph(lines: list[str]) -> list[str]:
    """One paragraph's lines, joined where a break falls between CJK characters."""
    if len(lines) < 2:
        return lines
    text = "\n".join(lines)
    in_code = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)] if "`" in text else []
    kept: list[str] = []
    position = 0
    for match in _BREAK.finditer(text):
        start, end = match.span()
        if (
            start
            and _joins(text[start - 1], text[end : end + 1])
            and not any(left < start < right for left, right in in_code)
        ):
            kept.append(text[position:start])
            position = end
    kept.append(text[position:])
    return "".join(kept).split("\n")


def _joins(before: str, after: str) -> bool:
    """Whether a line break between these two characters is only the source's folding."""
    if not after or before.isspace() or after.isspace():
        return False
    if _JOINS_ONE.match(before) and _JOINS_ONE.match(after):
        return True
    return bool(_FULL_WIDTH_ONE.match(before) or _FULL_WIDTH_ONE.match(after))


def fold_text(value: Text) -> Text:
    """A text field (a string or `{en, zh}`) with its folded line breaks joined."""
    if isinstance(value, str):
        return join_folded_lines(value)
    zh = join_folded_lines(value.zh) if value.zh is not None else None
    return LocalizedText(en=join_folded_lines(value.en), zh=zh)


def _fold_value(value: Any) -> Any:
    if isinstance(value, str | LocalizedText):
        return fold_text(value)
    if isinstance(value, tuple):
        return tuple(_fold_value(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return fold_prose(value)
    return value  # None, numbers, references (titles are one line)


def fold_prose(record: T) -> T:
    """A deck header, question, choice or drill with every prose field's folds joined."""
    assert dataclasses.is_dataclass(record) and not isinstance(record, type)
    changes = {
        field.name: _fold_value(getattr(record, field.name))
        for field in dataclasses.fields(record)
        if field.name in _PROSE_FIELDS or field.name == "choices"
    }
    return dataclasses.replace(record, **changes)
