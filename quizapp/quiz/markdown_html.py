"""Deck Markdown as the HTML an Anki field shows: on one line, with raw HTML escaped.

markdown-it-py (already installed: Rich and Textual's Markdown widget are built on it) parses
CommonMark with raw HTML turned off, so `<b>` in a deck is shown, never interpreted. Three of
its renderings are changed for a one-line field: a soft line break (a line the YAML source only
folded) becomes a space, so no `<br>` lands mid-sentence; a code block keeps its lines as
`<br>` inside `<pre><code>`; and the newlines between blocks are dropped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

TAB = "    "


def _space(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return " "


def _hard_break(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "<br>"


def _code_block(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return code_html(tokens[idx].content)


def code_html(code: str) -> str:
    """Code as a `<pre><code>` block on one line: escaped, lines as `<br>`, tabs as spaces."""
    lines = html.escape(code.rstrip("\n"), quote=True).replace("\t", TAB).splitlines()
    return "<pre><code>" + "<br>".join(lines) + "</code></pre>"


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # deferred: only exports need it

    parser = MarkdownIt("commonmark", {"html": False})
    parser.add_render_rule("softbreak", _space)
    parser.add_render_rule("hardbreak", _hard_break)
    parser.add_render_rule("fence", _code_block)
    parser.add_render_rule("code_block", _code_block)
    return parser


def markdown_html(text: str) -> str:
    """`text` (deck Markdown) as one line of HTML: paragraphs, lists, code, emphasis."""
    source = text.replace("\r\n", "\n").replace("\r", "\n")
    rendered = str(_parser().render(source))
    # Left: newlines between blocks only (text, inline code and code blocks hold none now).
    return rendered.replace("\n", "").replace("\t", TAB)


def inline_markdown_html(text: str) -> str:
    """Like `markdown_html`, without the `<p>` around text that is a single paragraph."""
    rendered = markdown_html(text)
    inner = rendered.removeprefix("<p>").removesuffix("</p>")
    if rendered.startswith("<p>") and "<p>" not in inner and "</p>" not in inner:
        return inner
    return rendered
