"""Reading a YAML file into plain data while keeping the line of every node.

Everything a user can put in a file must end as a `Problem` with a line, never as an exception:
undecodable bytes, tabs, YAML syntax, duplicate keys, anchors that expand into millions of nodes,
absurd sizes and nesting. libyaml (`CSafeLoader`) parses when it is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from quizapp.bank.problems import Problem

try:  # libyaml is an order of magnitude faster; the pure-Python loader behaves the same.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_ALIAS_EXPANSION = 10_000
# Longer plain (untagged) scalars are numbers or dates only in an attack: refuse them unread.
MAX_SCALAR_CHARS = 1_000
MAX_DEPTH = 64
TOO_DEEP = (
    f"nesting deeper than {MAX_DEPTH} levels, which no deck needs; look for brackets that are "
    "never closed or indentation that keeps growing"
)

Key = str | int
NodePath = tuple[Key, ...]


@dataclass(slots=True)
class YamlDocument:
    """Plain Python data from one file, and the 1-based line of each node by its path."""

    data: Any
    lines: dict[NodePath, int] = field(default_factory=dict)

    def line_of(self, path: NodePath) -> int:
        """The line of the deepest recorded node on `path` (the file's first line at worst)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


def decode_text(raw: bytes, name: str) -> tuple[str | None, list[Problem]]:
    """The bytes as UTF-8 text (a BOM is allowed), or where the first undecodable byte is."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        msg = (
            f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8 "
            "(your editor's encoding setting)"
        )
        return None, [Problem(name, line, msg)]


def parse_yaml(text: str, name: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document into plain data with line numbers, or say why it cannot be."""
    if all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        msg = "the file is empty; a deck needs format_version, title and questions"
        return None, [Problem(name, 1, msg)]
    loader = _Loader(text)
    builder = _Builder(loader, name)
    try:
        builder.run()
    except yaml.MarkedYAMLError as exc:
        deep = _line_past_depth(text, _error_offset(exc, text))
        if deep is not None:  # the parser's own depth limit struck before ours could
            return None, [Problem(name, deep, TOO_DEEP)]
        return None, [_syntax_problem(exc, name, text)]
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml marks its errors
        return None, [Problem(name, 1, f"not valid YAML: {exc}")]
    except _Stop:
        pass
    finally:
        loader.dispose()
    if builder.problems:
        return None, builder.problems
    return YamlDocument(data=builder.root, lines=builder.lines), []


def parse_bytes(raw: bytes, name: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Decode one file's bytes and parse them (deck and drill loading share this)."""
    text, problems = decode_text(raw, name)
    if text is None:
        return None, problems
    return parse_yaml(text, name)


def _error_offset(exc: yaml.MarkedYAMLError, text: str) -> int:
    """How far into `text` the parser got before it failed (the whole text if it does not say)."""
    mark = exc.problem_mark or exc.context_mark
    index = getattr(mark, "index", None)
    return int(index) + 1 if isinstance(index, int) else len(text)


def _line_past_depth(text: str, end: int) -> int | None:
    """The line where nesting first passes MAX_DEPTH within `text[:end]`, if it does.

    libyaml has a nesting limit of its own, and its scanner reads ahead of the events we count, so
    deep flow collections can fail inside the parser first. Only run on text that already failed
    to parse, to say why in our words: brackets outside quotes count one level each, and so does
    every indentation level still open (a fair upper bound for block collections).
    """
    indents: list[int] = []
    flow = 0
    quote = ""
    for line_no, line in enumerate(text[:end].split("\n"), start=1):
        stripped = line.lstrip(" ")
        dashes = 0  # "- - - x" opens a sequence per dash on one line
        if not flow and stripped and not stripped.startswith("#"):
            indent = len(line) - len(stripped)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            while stripped.startswith("- ", 2 * dashes):
                dashes += 1
        if len(indents) + dashes > MAX_DEPTH:
            return line_no
        for char in line:
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"" and flow:
                quote = char
            elif char == "#" and not flow:
                break
            elif char in "[{":
                flow += 1
            elif char in "]}":
                flow = max(flow - 1, 0)
            if flow + len(indents) > MAX_DEPTH:
                return line_no
    return None


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = int(mark.line) + 1 if mark is not None else 1
    what = exc.problem or exc.context or "invalid YAML"
    lines = text.splitlines()
    bad = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in bad[: len(bad) - len(bad.lstrip())] or "found character '\\t'" in str(what):
        return Problem(name, line, "a tab indents this line; YAML indents with spaces only")
    hint = "check the indentation and quoting on this line or the one before it"
    if "mapping values are not allowed" in what:
        hint = 'a value with ": " in it needs quotes, e.g. prompt: "Why: ..."'
    elif "expected <document start>" in what or "expected a single document" in what:
        hint = "a deck is one YAML document; remove extra '---' separators"
    return Problem(name, line, f"YAML syntax error: {what}; {hint}")


class _Stop(Exception):
    """Raised by the builder once a problem makes reading further pointless."""


@dataclass(slots=True)
class _Frame:
    """A sequence or mapping being built from the event stream."""

    value: list[Any] | dict[Key, Any]
    path: NodePath
    anchor: str | None
    size: int = 1
    key: Key | None = None
    key_pending: bool = True


class _Builder:
    """Builds plain data from libyaml's event stream.

    Events rather than nodes: libyaml's composer recurses in C and crashes the interpreter on
    deeply nested input, while events arrive flat, so depth and alias expansion are checked as
    they come and reading stops at the first limit crossed.
    """

    def __init__(self, loader: Any, name: str) -> None:
        self._loader = loader
        self._name = name
        self._stack: list[_Frame] = []
        self._anchors: dict[str, tuple[Any, int]] = {}
        self._alias_extra = 0
        self._documents = 0
        self.root: Any = None
        self.lines: dict[NodePath, int] = {}
        self.problems: list[Problem] = []

    def _fail(self, line: int, message: str) -> None:
        self.problems.append(Problem(self._name, line, message))
        raise _Stop

    def run(self) -> None:
        loader = self._loader
        while loader.check_event():
            event = loader.get_event()
            line = int(event.start_mark.line) + 1
            if isinstance(event, yaml.DocumentStartEvent):
                self._documents += 1
                if self._documents > 1:
                    self._fail(line, "a deck is one YAML document; remove the extra '---'")
            elif isinstance(event, yaml.ScalarEvent):
                self._scalar(event, line)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                self._start(event, line)
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                frame = self._stack.pop()
                if frame.anchor is not None:
                    self._anchors[frame.anchor] = (frame.value, frame.size)
                self._attach(frame.value, frame.size, None)
            elif isinstance(event, yaml.AliasEvent):
                self._alias(event, line)

    def _start(self, event: Any, line: int) -> None:
        if len(self._stack) >= MAX_DEPTH:
            self._fail(line, TOO_DEEP)
        if event.tag not in (None, "!", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            self._fail(line, f"the tag {event.tag} is not allowed in a deck; remove it")
        path = self._child_path(line, container=True)
        value: list[Any] | dict[Key, Any] = [] if isinstance(event, yaml.SequenceStartEvent) else {}
        self._stack.append(_Frame(value, path, event.anchor))

    def _scalar(self, event: Any, line: int) -> None:
        tag = event.tag
        if tag in (None, "!"):
            tag = self._loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == "tag:yaml.org,2002:merge":
            self._fail(line, "merge keys ('<<') are not supported in decks; write the fields out")
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        if len(event.value) > MAX_SCALAR_CHARS and tag != "tag:yaml.org,2002:str":
            self._fail(line, f"a {len(event.value):,}-character number or value; no deck needs one")
        try:
            value = self._loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            self._fail(line, f"cannot read this value ({problem}); quote it to make it text")
        except (ValueError, OverflowError):  # e.g. an integer too long for Python to convert
            self._fail(line, "cannot read this value as a number; quote it to make it text")
        top = self._stack[-1] if self._stack else None
        if isinstance(top, _Frame) and isinstance(top.value, dict) and top.key_pending:
            self._key(top, value, event.value, line)
            return
        if event.anchor is not None:
            self._anchors[event.anchor] = (value, 1)
        self._child_path(line, container=False)
        self._attach(value, 1, line)

    def _key(self, frame: _Frame, value: Any, raw: str, line: int) -> None:
        assert isinstance(frame.value, dict)
        key: Key = value if isinstance(value, str | int) and not isinstance(value, bool) else raw
        if key in frame.value:
            first = self.lines[(*frame.path, key)]
            self.problems.append(
                Problem(
                    self._name, line, f"duplicate key '{key}' (first at line {first}); keep one"
                )
            )
        self.lines.setdefault((*frame.path, key), line)
        frame.key = key
        frame.key_pending = False
        frame.size += 1

    def _alias(self, event: Any, line: int) -> None:
        if event.anchor not in self._anchors:  # pragma: no cover - libyaml rejects these itself
            self._fail(line, f"the alias *{event.anchor} has no anchor before it")
        value, size = self._anchors[event.anchor]
        self._alias_extra += size
        if self._alias_extra > MAX_ALIAS_EXPANSION:
            self._fail(
                line,
                f"YAML aliases here expand to more than {MAX_ALIAS_EXPANSION:,} extra nodes; "
                "write the content out instead of nesting anchors",
            )
        top = self._stack[-1] if self._stack else None
        if isinstance(top, _Frame) and isinstance(top.value, dict) and top.key_pending:
            self._fail(line, "an alias cannot be a key; write the key out")
        self._child_path(line, container=False)
        self._attach(value, size, line)

    def _child_path(self, line: int, *, container: bool) -> NodePath:
        """The path of the node that starts here, recording its line (keys were recorded)."""
        if not self._stack:
            self.lines.setdefault((), line)
            return ()
        top = self._stack[-1]
        if isinstance(top.value, list):
            path = (*top.path, len(top.value))
            self.lines[path] = line
            return path
        if top.key_pending:
            kind = "list or mapping" if container else "value"
            self._fail(line, f"a key must be plain text, not a {kind}")
        assert top.key is not None
        return (*top.path, top.key)

    def _attach(self, value: Any, size: int, line: int | None) -> None:
        if not self._stack:
            self.root = value
            return
        top = self._stack[-1]
        top.size += size
        if isinstance(top.value, list):
            top.value.append(value)
        else:
            assert top.key is not None
            if top.key not in top.value:  # a duplicate keeps its first value (reported above)
                top.value[top.key] = value
            top.key = None
            top.key_pending = True
