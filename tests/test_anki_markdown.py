"""The Anki export shows deck Markdown as Anki renders HTML: emphasis, code, lists, paragraphs,
folded lines joined, HTML in the text shown as text, one record per line."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.quiz.markdown_html import inline_markdown_html, markdown_html

DECK = """\
format_version: 1
title: Mine
questions:
  - id: mine.markdown
    type: open
    prompt:
      en: |
        Why does *inverted* dropout divide by `1-p`
        at **training** time? <script>alert(1)</script> & "why"
      zh: |
        为什么 *inverted* dropout 在训练时
        除以 `1-p`？
    explanation: |
      Two steps, then the check:

      1. sample a mask with `bernoulli_(1-p)`;
      2. divide the survivors by `1-p`.

      - train: scaled
      - eval: identity

      ```python
      y = x * mask / (1 - p)
      if p < 1:
      \tprint("<kept>")
      ```
    model_answer: Keeps the *expected* value.
    rubric: [Mentions `model.eval()`]
"""


def read_like_anki(text: str) -> list[list[str]]:
    """The records as Anki's text importer reads them: after the `#` header lines, tab-separated
    fields with `"` as the quote character."""
    body = "\n".join(line for line in text.split("\n") if not line.startswith("#"))
    return [r for r in csv.reader(io.StringIO(body), delimiter="\t", quotechar='"') if r]


class Elements(HTMLParser):
    """Every element of a field as (tag, its text), `<br>` read as a line break."""

    def __init__(self, field: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, list[str]]] = []
        self.done: list[tuple[str, str]] = []
        self.feed(field)
        self.close()
        assert self.open == [], f"unclosed: {self.open}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.handle_data("\n" if tag == "br" else "")
            self.done.append((tag, ""))
        else:
            self.open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        name, parts = self.open.pop()
        assert name == tag, f"<{name}> closed by </{tag}>"
        self.done.append((tag, "".join(parts)))

    def handle_data(self, data: str) -> None:
        for _, parts in self.open:
            parts.append(data)

    def texts(self, tag: str) -> list[str]:
        return [text for name, text in self.done if name == tag]


@pytest.fixture
def exported(tmp_path: Path) -> list[list[str]]:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "mine.yaml").write_text(DECK, encoding="utf-8")
    out = tmp_path / "notes.txt"
    args = ["--data-dir", str(tmp_path / "data"), "--bank", str(bank), "export"]
    assert main([*args, "--format", "anki-tsv", "--deck", "mine", "--output", str(out)]) == 0
    return read_like_anki(out.read_text(encoding="utf-8"))


def test_each_markdown_construct_becomes_the_html_anki_shows(exported: list[list[str]]) -> None:
    [(front, back, _tags, guid)] = exported
    assert guid == "quizapp:mine.markdown"
    prompt = Elements(front)
    assert prompt.texts("em") == ["inverted"] and prompt.texts("strong") == ["training"]
    assert prompt.texts("code") == ["1-p"]
    # The folded line is joined with a space, and the HTML in the text is text.
    [paragraph] = prompt.texts("p")
    assert "divide by 1-p at training time?" in paragraph
    assert '<script>alert(1)</script> & "why"' in paragraph
    assert "script" not in [name for name, _ in prompt.done] and "<br>" not in front

    answer = Elements(back)
    assert answer.texts("em") == ["expected"]
    assert "model.eval()" in answer.texts("code")
    explanation = Elements(back.split("<hr>", 1)[1])
    assert explanation.texts("p") == ["Two steps, then the check:"]
    assert explanation.texts("ol") == [
        "sample a mask with bernoulli_(1-p);divide the survivors by 1-p."
    ]
    assert explanation.texts("ul") == ["train: scaledeval: identity"]
    assert explanation.texts("pre") == ['y = x * mask / (1 - p)\nif p < 1:\n    print("<kept>")']


def test_chinese_fields_join_what_the_source_folded(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "mine.yaml").write_text(DECK, encoding="utf-8")
    out = tmp_path / "notes.txt"
    args = ["--data-dir", str(tmp_path / "data"), "--bank", str(bank), "export"]
    argv = [*args, "--format", "anki-tsv", "--deck", "mine", "--lang", "zh", "--output", str(out)]
    assert main(argv) == 0
    [(front, *_rest)] = read_like_anki(out.read_text(encoding="utf-8"))
    assert Elements(front).texts("p") == ["为什么 inverted dropout 在训练时除以 1-p？"]


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("a *b* **c** `d`", "a <em>b</em> <strong>c</strong> <code>d</code>"),
        ("one\ntwo", "one two"),
        ("hard  \nbreak", "hard<br>break"),
        ("<b>x</b> & y", "&lt;b&gt;x&lt;/b&gt; &amp; y"),
        ("1. a\n2. b", "<ol><li>a</li><li>b</li></ol>"),
        ("p\n\nq", "<p>p</p><p>q</p>"),
    ],
)
def test_inline_fields(source: str, html: str) -> None:
    assert inline_markdown_html(source) == html
    assert "\n" not in markdown_html(source + "\n\n```\nx\n\ty\n```")
