"""A grading report summarised for people, as plain text: what the CLI prints and a TUI can show.

No styling here: `rich_view.py` styles it, for the CLI and the drill screen alike. A report
becomes a verdict and a tally, its diagnoses split from the quiz questions they point to, its
failing checks grouped by the way they fail (one short reason per group), and any check's message
as detail lines a terminal can show without a 300-character line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quizapp.grading.report import CheckResult, Diagnosis, Report

# A frame line of a trimmed traceback (see `child.format_error`) and an exception's own line.
_FRAME = re.compile(r"^line \d+, in ")
_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")
# One value of a mismatch sample: "[12,1] want 2.46343 got 2.36932" (see `suite.mismatch_message`).
_SAMPLE = re.compile(r"^\[[\d, ]*\] want ")
_QUIZ_SUFFIX = re.compile(r"\s*\(quiz: ([^()]*)\)\s*$")
# What may follow a group's common name when that name is a whole phrase of every check's name.
_PHRASE_END = (",", "(", ":")


@dataclass(frozen=True, slots=True)
class FailureGroup:
    """Failing checks that fail the same way, shown as one line: `label: reason`."""

    label: str
    reason: str
    checks: tuple[CheckResult, ...]


def verdict(report: Report) -> str:
    """PASSED, FAILED or CANCELLED."""
    if report.passed:
        return "PASSED"
    return "CANCELLED" if report.cancelled else "FAILED"


def tally(report: Report) -> str:
    """`9 of 26 checks passed · 0.26s`."""
    passed = len(report.checks) - len(report.failed_checks)
    return f"{passed} of {len(report.checks)} checks passed · {report.duration_s:.2f}s"


def split_diagnosis(diagnosis: Diagnosis) -> tuple[str, tuple[str, ...]]:
    """The explanation (with its fix) without the `(quiz: ...)` tail, and the quiz question ids."""
    match = _QUIZ_SUFFIX.search(diagnosis.message)
    if match is None:
        return diagnosis.message.strip(), diagnosis.related
    listed = tuple(q.strip() for q in match.group(1).split(",") if q.strip())
    return diagnosis.message[: match.start()].strip(), diagnosis.related or listed


def short_reason(message: str) -> str:
    """What went wrong in a few words: the exception of a traceback, else the first clause."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return "failed"
    first = next((line for line in lines if not _FRAME.match(line)), lines[0])
    return first.split("; ", 1)[0]


def is_crash(message: str) -> bool:
    """Whether the message is the submission's own error (an exception, a trimmed traceback)."""
    return any(
        _FRAME.match(line.strip()) or _EXCEPTION.match(line.strip())
        for line in message.splitlines()
    )


def detail_lines(message: str) -> list[str]:
    """The whole message, one fact a line: errors, then each sampled value of a mismatch."""
    out: list[str] = []
    for line in message.strip().splitlines():
        if not line.strip():
            continue
        if line[:1].isspace() or _FRAME.match(line):
            out.append(line.rstrip())  # code quoted from the submission: keep it as written
            continue
        for part in line.strip().split("; "):
            if _SAMPLE.match(part):
                out.extend(re.split(r", (?=\[)", part))
            else:
                out.append(part)
    return out


def group_failures(checks: Iterable[CheckResult]) -> list[FailureGroup]:
    """Failing checks grouped by their short reason (numbers aside), in order of first failure."""
    groups: dict[str, list[CheckResult]] = {}
    reasons: dict[str, str] = {}
    for check in checks:
        if check.passed:
            continue
        reason = short_reason(check.message)
        key = _NUMBER.sub("#", reason)
        groups.setdefault(key, []).append(check)
        reasons.setdefault(key, reason)
    return [
        FailureGroup(group_label([c.name for c in members]), reasons[key], tuple(members))
        for key, members in groups.items()
    ]


def group_label(names: Sequence[str]) -> str:
    """One check's name, or what the names have in common and how many there are."""
    if len(names) == 1:
        return names[0]
    stem = _common_stem(names)
    return f"{stem} ({len(names)} checks)" if stem else f"{len(names)} checks"


def _common_stem(names: Sequence[str]) -> str:
    common = names[0]
    for name in names[1:]:
        end = 0
        while end < min(len(common), len(name)) and common[end] == name[end]:
            end += 1
        common = common[:end]
    for end in range(len(common), 0, -1):
        rests = [name[end:] for name in names]
        if all(not rest or rest[0] in " ,(:" for rest in rests):
            stem = common[:end].rstrip(" ,(:")
            after = [name[len(stem) :].lstrip() for name in names]
            whole = all(not a or a.startswith(_PHRASE_END) for a in after)
            return stem if whole or not stem else f"{stem} …"
    return ""


def detailed_checks(report: Report) -> list[CheckResult]:
    """The failing checks worth showing in full: the first, and the first crash if another.

    A check whose message is a diagnosis' own (e.g. a forbidden op) is already shown in full.
    """
    said = {d.message for d in report.diagnosis}
    failed = [c for c in report.failed_checks if c.message not in said]
    chosen = failed[:1]
    crash = next((c for c in failed if is_crash(c.message)), None)
    if crash is not None and crash not in chosen:
        chosen.append(crash)
    return chosen


def tail(text: str, max_lines: int | None) -> tuple[list[str], int]:
    """The last `max_lines` lines of `text` (all if None) and how many were left out."""
    lines = text.rstrip("\n").splitlines()
    if max_lines is None or len(lines) <= max_lines:
        return lines, 0
    return lines[-max_lines:], len(lines) - max_lines
