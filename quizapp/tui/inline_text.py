"""Short author text (options, their `why`) as Rich text: inline Markdown kept, lines unwrapped.

Options and per-option feedback are laid out in grids, where a full Markdown widget does not
fit; this renders the inline part authors use there (`code`, **strong**, *emphasis*) the same
way in both places, and joins the source's line breaks the way the language reads: a space
between words, nothing between two CJK characters.
"""

from __future__ import annotations

import re

from rich.text import Text

from quizapp.bank.text import unwrap

_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\*\*(?P<strong>[^*]+?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*]*?[^*\s])?)\*(?![\w*])"
)


def inline_text(source: str, *, code_style: str = "bold") -> Text:
    """`source` unwrapped, with inline code, strong and emphasis styled (markers removed)."""
    text = Text()
    source = unwrap(source)
    position = 0
    for match in _INLINE.finditer(source):
        text.append(source[position : match.start()])
        if match["code"] is not None:
            text.append(match["code"], style=code_style)
        elif match["strong"] is not None:
            text.append(match["strong"], style="bold")
        else:
            text.append(match["em"], style="italic")
        position = match.end()
    text.append(source[position:])
    return text
