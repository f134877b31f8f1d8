"""Exporting the history and the report: JSON for another machine or a script, Markdown to read.

The JSON document carries `format` and the database `schema_version`, so an importer can refuse
a file from a newer quizapp, and every attempt and drill run carries its `uid`, so merging the
same file twice adds nothing twice.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from quizapp.store.records import History, iso
from quizapp.store.report import Report, local_day, report_to_dict
from quizapp.store.schema import SCHEMA_VERSION

EXPORT_FORMAT = "quizapp-progress"


def export_json(history: History, report: Report, *, now: datetime) -> dict[str, Any]:
    """The whole history, the card states, the settings and the report as JSON data."""
    return {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": iso(now),
        "report": report_to_dict(report),
        "attempts": [a.to_dict() for a in history.attempts],
        "drill_runs": [r.to_dict() for r in history.drill_runs],
        "cards": [c.to_dict() for c in history.cards],
        "settings": dict(history.settings),
    }


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def export_markdown(history: History, report: Report, *, tz: tzinfo) -> str:
    """A readable report followed by the full history, for a mentor or a notes repository."""
    t = report.totals
    out = [
        "# quizapp progress",
        "",
        f"Generated {report.generated_at} (days in {report.timezone}).",
        "",
        f"- Attempts: {t.attempts}, right: {t.correct} ({_pct(t.accuracy)})",
        f"- Items seen: {t.items_seen} of {t.items}; mastered: {t.mastered} ({_pct(t.mastery)})",
        f"- Streak: {report.streak.current} day(s) (longest {report.streak.longest})",
        f"- Due: {report.due.today} today, {report.due.this_week} this week, {report.due.new} new",
        f"- Drills: {report.drills.passed} passed of {report.drills.attempted} tried "
        f"in {report.drills.runs} run(s), "
        f"first-pass rate {_pct(report.drills.first_pass_rate)}",
        "",
        "## Decks",
        "",
    ]
    out += _table(
        ["deck", "items", "attempts", "accuracy", "mastery", "due today"],
        [
            [d.name, d.items, d.attempts, _pct(d.accuracy), _pct(d.mastery), d.due_today]
            for d in report.decks
        ],
    )
    out += ["## Tags", ""]
    out += _table(
        ["tag", "items", "attempts", "accuracy", "mastery"],
        [[g.name, g.items, g.attempts, _pct(g.accuracy), _pct(g.mastery)] for g in report.tags],
    )
    out += ["## Weakest topics", ""]
    if report.weakest:
        out += [
            f"- **{w.tag}** ({_pct(w.accuracy)} of {w.attempts}): review "
            + ", ".join(f"`{i}`" for i in w.review_ids)
            for w in report.weakest
        ]
    else:
        out.append("No attempts yet.")
    out += ["", "## Accuracy by day", ""]
    out += _table(
        ["day", "attempts", "accuracy"],
        [[d.day, d.attempts, _pct(d.accuracy)] for d in report.daily],
    )
    out += ["## History", ""]
    out += _table(
        ["when", "item", "mode", "result", "seconds", "rating"],
        [
            [
                a.answered_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                a.item_id,
                a.mode,
                "right" if a.correct else "wrong",
                f"{a.seconds:.0f}",
                a.rating if a.rating is not None else "-",
            ]
            for a in history.attempts
        ],
    )
    if history.drill_runs:
        out += ["## Drill runs", ""]
        out += _table(
            ["day", "drill", "result", "failed checks", "diagnosis"],
            [
                [
                    local_day(r.ran_at, tz).isoformat(),
                    r.drill_id,
                    "passed" if r.passed else "failed",
                    ", ".join(r.failed_checks) or "-",
                    ", ".join(r.diagnosis_ids) or "-",
                ]
                for r in history.drill_runs
            ],
        )
    return "\n".join(out).rstrip() + "\n"
