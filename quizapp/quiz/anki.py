"""Bank questions as notes Anki imports: a tab-separated text file with Anki's header lines.

One Basic note per question: Front is the prompt (with the choices, or the code to read), Back
is the answer followed by the explanation, then the tags. The file starts with Anki's import
directives (`#separator:tab`, `#html:true`, `#notetype:Basic`, `#deck:...`, `#columns:...`,
`#tags column:3`, `#guid column:4`), so Anki needs no questions asked, and the question id as
the note's GUID makes a second import update the notes instead of duplicating them.

Fields are HTML on one line. Deck text is Markdown and is rendered as Anki shows it (`*em*`,
`code`, code blocks, lists, paragraphs; lines the YAML source only folded are joined, see
`markdown_html`); other text (accepted answers, numbers, code) is escaped with newlines as
`<br>`. Either way HTML in the text is escaped (quotes too, so Anki's CSV reader never sees a
quoted field), tabs become spaces, and a field never opens with `#` (a comment line for Anki) or
a character a spreadsheet would read as a formula.
"""

from __future__ import annotations

import html
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from quizapp.bank.model import (
    CodeOutput,
    Lang,
    MultipleChoice,
    Numeric,
    Open,
    Question,
    ShortAnswer,
    SingleChoice,
    Text,
    TrueFalse,
    text_in,
)
from quizapp.quiz.markdown_html import code_html, inline_markdown_html, markdown_html
from quizapp.quiz.presentation import choice_order

ANKI_COLUMNS = ("Front", "Back", "Tags", "GUID")
GUID_PREFIX = "quizapp:"


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """One note: HTML fields, Anki tags (no spaces inside a tag) and a stable GUID."""

    front: str
    back: str
    tags: tuple[str, ...]
    guid: str


def html_field(text: str) -> str:
    """Plain text as one Anki HTML field: escaped, newlines as <br>, no tabs."""
    escaped = html.escape(text.strip("\n"), quote=True).replace("\t", "    ")
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n")
    return defused(escaped.replace("\n", "<br>"))


def defused(field: str) -> str:
    """An HTML field whose first character can start neither a comment line nor a formula."""
    if field[:1] in _ENTITY:
        return _ENTITY[field[0]] + field[1:]
    return field


# Characters that start a comment line (Anki) or a formula (a spreadsheet opening the file):
# written as HTML entities, which Anki shows as the character and a spreadsheet as text.
_ENTITY = {"#": "&#35;", "=": "&#61;", "+": "&#43;", "-": "&#45;", "@": "&#64;"}


def plain_cell(text: str) -> str:
    """A non-HTML column (tags, GUID): one line, no tab, never read as a formula."""
    cell = "".join(" " if ch in "\t\r\n" else ch for ch in text)
    return "_" + cell if cell[:1] in _ENTITY else cell


def anki_tag(tag: str) -> str:
    """A tag Anki keeps as one tag (Anki splits tags on spaces)."""
    return "_".join(tag.split()) or "_"


def _shown(q: SingleChoice | MultipleChoice) -> tuple[int, ...]:
    """The choices in a shuffled order that is the same in every export of this question.

    Written order would put the right option first in most decks, which Anki would then teach.
    """
    return choice_order(q, zlib.crc32(q.id.encode("utf-8")))


def _answer(q: Question, lang: Lang) -> str:
    if isinstance(q, SingleChoice | MultipleChoice):
        right = [
            f"✓ {chr(ord('A') + place)}. {inline_markdown_html(text_in(q.choices[i].text, lang))}"
            for place, i in enumerate(_shown(q))
            if q.choices[i].correct
        ]
        return "<br>".join(right)
    if isinstance(q, TrueFalse):
        return "True" if q.answer else "False"
    if isinstance(q, Numeric):
        tol = []
        if q.abs_tol is not None:
            tol.append(f"± {q.abs_tol:g}")
        if q.rel_tol is not None:
            tol.append(f"± {q.rel_tol * 100:g}%")
        unit = f" {q.unit}" if q.unit else ""
        return html_field(f"{q.answer:g}{unit} ({', '.join(tol)})" if tol else f"{q.answer:g}")
    if isinstance(q, ShortAnswer):
        shown = list(q.accept) or [f"/{p}/" for p in q.patterns]
        return html_field(" / ".join(shown))
    if isinstance(q, Open):
        rubric = "".join(f"<li>{inline_markdown_html(text_in(r, lang))}</li>" for r in q.rubric)
        return markdown_html(text_in(q.model_answer, lang)) + f"<ul>{rubric}</ul>"
    assert isinstance(q, CodeOutput)
    return code_html(q.output)


def _answer_text(q: Question, lang: Lang) -> str | None:
    """The answer as the deck writes it, where a card's explanation may just repeat it."""
    if isinstance(q, ShortAnswer):
        return " / ".join(q.accept)
    if isinstance(q, Open):
        return text_in(q.model_answer, lang)
    return None


def _front(q: Question, lang: Lang) -> str:
    front = markdown_html(text_in(q.prompt, lang))
    if isinstance(q, SingleChoice | MultipleChoice):
        items = "".join(
            f"<li>{inline_markdown_html(text_in(q.choices[i].text, lang))}</li>" for i in _shown(q)
        )
        front += f'<ol type="A">{items}</ol>'
    elif isinstance(q, CodeOutput):
        front += code_html(q.code)
    elif isinstance(q, TrueFalse):
        front += "<p>(true or false?)</p>"
    return defused(front)


def note_for(q: Question, lang: Lang, *, deck_id: str | None = None) -> AnkiNote:
    """The Anki note of one question, in `lang` (English where that language is missing)."""
    explanation: Text = q.explanation
    answer, why = _answer(q, lang), text_in(explanation, lang)
    # A deck imported from a two-column file explains a card with its own answer: once is enough.
    repeated = why.strip() == (_answer_text(q, lang) or "").strip()
    back = answer if repeated else f"{answer}<hr>{markdown_html(why)}"
    tags = [anki_tag(t) for t in q.tags]
    if deck_id:
        tags.append(anki_tag(f"quizapp::{deck_id}"))
    return AnkiNote(_front(q, lang), defused(back), tuple(dict.fromkeys(tags)), GUID_PREFIX + q.id)


def anki_tsv(notes: Iterable[AnkiNote], *, deck: str) -> str:
    """The import file: Anki's header lines, then one tab-separated line per note."""
    lines = [
        "#separator:tab",
        "#html:true",
        "#notetype:Basic",
        f"#deck:{' '.join(deck.split())}",
        "#columns:" + "\t".join(ANKI_COLUMNS),
        "#tags column:3",
        "#guid column:4",
    ]
    for note in notes:
        tags = plain_cell(" ".join(note.tags))
        guid = plain_cell(note.guid).replace(" ", "%20")  # stable: the same id, the same GUID
        lines.append("\t".join([note.front, note.back, tags, guid]))
    return "\n".join(lines) + "\n"
