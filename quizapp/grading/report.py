"""What a grading run produces: plain data shared by the server, the client, the CLI and the TUI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One named check and whether the submission passed it, with what went wrong if not."""

    name: str
    passed: bool
    message: str = ""


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """A recognised mistake: its catalog id, the explanation with the fix, the quiz questions."""

    id: str
    message: str
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Protection:
    """One protection of the sandbox and whether it was in force for this run, in words."""

    name: str
    active: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "active": self.active, "detail": self.detail}

    @classmethod
    def from_json(cls, data: Any) -> Protection | None:
        if not isinstance(data, dict):
            return None
        name, detail = str(data.get("name", "")), str(data.get("detail", ""))
        return cls(name, data.get("active") is True, detail)


@dataclass(frozen=True, slots=True)
class Report:
    """The verdict on one submission; `passed` only if every check passed."""

    drill: str
    passed: bool
    checks: tuple[CheckResult, ...]
    diagnosis: tuple[Diagnosis, ...] = ()
    duration_s: float = 0.0
    output: str = ""
    cancelled: bool = False
    # What the sandbox enforced on this machine (empty when the run never reached it).
    protections: tuple[Protection, ...] = ()

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def to_json(self) -> dict[str, Any]:
        """The CLI contract's shape: drill, passed, checks, diagnosis, duration_s."""
        return {
            "drill": self.drill,
            "passed": self.passed,
            "checks": [
                {"name": c.name, "passed": c.passed, "message": c.message} for c in self.checks
            ],
            "diagnosis": [{"id": d.id, "message": d.message} for d in self.diagnosis],
            "duration_s": round(self.duration_s, 4),
            "protections": [p.to_json() for p in self.protections],
        }

    def to_wire(self) -> dict[str, Any]:
        """Everything, for the server-to-client protocol."""
        data = self.to_json()
        data["diagnosis"] = [
            {"id": d.id, "message": d.message, "related": list(d.related)} for d in self.diagnosis
        ]
        data["output"] = self.output
        data["cancelled"] = self.cancelled
        data["duration_s"] = self.duration_s
        return data

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Report:
        """The report as the client shows it: what the submission printed or raised is made
        visible text (an escape sequence in it would otherwise reach the user's terminal)."""
        return cls(
            drill=str(data["drill"]),
            passed=bool(data["passed"]),
            checks=tuple(
                CheckResult(str(c["name"]), bool(c["passed"]), visible(str(c["message"])))
                for c in data["checks"]
            ),
            diagnosis=tuple(
                Diagnosis(str(d["id"]), str(d["message"]), tuple(d.get("related", ())))
                for d in data["diagnosis"]
            ),
            duration_s=float(data["duration_s"]),
            output=visible(str(data.get("output", ""))),
            cancelled=bool(data.get("cancelled", False)),
            protections=tuple(
                p for p in map(Protection.from_json, data.get("protections") or ()) if p is not None
            ),
        )


# Bidirectional overrides can make shown text read differently from what it is.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def visible(text: str) -> str:
    """`text` with control characters (but newline and tab) written out as `\\x1b`-style escapes."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t" or (ch.isprintable() and ch not in _BIDI):
            out.append(ch)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)
