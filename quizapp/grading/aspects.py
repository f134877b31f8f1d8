"""Findings by aspect: a check that probes one aspect of a layer on its own names what it found.

A catalogued mistake is named when a flawed implementation reproduces the user's numbers, which
needs the rest of the layer to be right. Real code has several deviations at once, and many of
them show in one aspect alone: an option the layer ignores or rejects (`affine=False`), a
constructor argument it does not use (`eps`), `p` outside [0, 1] accepted. The checks that
isolate such an aspect carry the finding to name; a check on a non-default configuration names
it only where its failure is its own, not one the same check on the default configuration
shares (that is the math, named elsewhere). Each finding carries one line of evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quizapp.grading.render import short_reason
from quizapp.grading.report import Diagnosis
from quizapp.grading.suite import Check, Finding, Recorded, compare_arrays

EVIDENCE_CHARS = 160
# (recorded result, verdict or None when it passed), by check name.
Judged = Mapping[str, tuple[Recorded, str | None]]


def aspect_findings(
    checks: Sequence[Check],
    judged: Judged,
    refs: Mapping[str, Recorded],
    explained: set[str],
    named: set[str],
) -> list[Diagnosis]:
    """The findings of failing aspect checks that no named mistake already explains."""
    found: list[Diagnosis] = []
    seen = set(named)
    for check in checks:
        if not check.findings or check.name in explained or check.name not in judged:
            continue
        rec, verdict = judged[check.name]
        if verdict is None or not _own_failure(check, rec, refs, judged):
            continue
        for finding in _which(check, refs[check.name], rec):
            if finding.id in seen:
                continue
            seen.add(finding.id)
            found.append(Diagnosis(finding.id, f"{finding.message} {_evidence(check, verdict)}"))
    return found


def _own_failure(check: Check, rec: Recorded, refs: Mapping[str, Recorded], judged: Judged) -> bool:
    """Whether this failure belongs to the check's aspect rather than to the default case."""
    if check.baseline is None:
        return True
    base = judged.get(check.baseline)
    if base is None:
        return False
    base_rec, base_verdict = base
    if base_verdict is None:
        return True
    if base_rec.error is not None:
        return False  # the default case crashed: nothing to compare with
    if rec.error is not None:
        return True  # the default case runs, this one crashes: the aspect's own
    if "state_dict" in rec.meta and "state_dict" in base_rec.meta:
        return _structure_moves_unlike_torch(
            refs[check.baseline].meta, refs[check.name].meta, base_rec.meta, rec.meta
        )
    return False  # both give wrong numbers: that is the math, named elsewhere


def _structure_moves_unlike_torch(
    torch_default: Mapping[str, object],
    torch_here: Mapping[str, object],
    yours_default: Mapping[str, object],
    yours_here: Mapping[str, object],
) -> bool:
    """Whether the option changes the layer's parameters and buffers unlike it changes torch's.

    Counted, not named: names are a finding of their own (gamma for weight). A layer that
    never registered a buffer cannot be asked to drop one.
    """

    def counts(meta: Mapping[str, object]) -> tuple[int, int]:
        params = meta.get("parameters")
        entries = meta.get("state_dict")
        named = set(params) if isinstance(params, list) else set()
        keys = {e[0] for e in entries} if isinstance(entries, list) else set()
        return len(named), len(keys - named)

    def expected(delta: int, have: int) -> int:
        return max(delta, -have)

    tp0, tb0 = counts(torch_default)
    tp, tb = counts(torch_here)
    yp0, yb0 = counts(yours_default)
    yp, yb = counts(yours_here)
    return yp - yp0 != expected(tp - tp0, yp0) or yb - yb0 != expected(tb - tb0, yb0)


def _which(check: Check, ref: Recorded, rec: Recorded) -> list[Finding]:
    """The check's findings that this failure shows (by what differs, or what the error says)."""
    if len(check.findings) == 1:
        return list(check.findings)
    if rec.error is not None:
        error = rec.error
        mentioned = [f for f in check.findings if any(w in error for w in f.when)]
        return mentioned or list(check.findings[:1])
    differing = [
        key
        for key, want in ref.arrays.items()
        if key not in rec.arrays or compare_arrays(key, want, rec.arrays[key]) is not None
    ]
    return [f for f in check.findings if any(w in key for w in f.when for key in differing)]


def _evidence(check: Check, verdict: str) -> str:
    # The error's own line for a crash; else the verdict's first line whole (its clauses are
    # the evidence: "missing weight; unexpected alpha").
    reason = short_reason(verdict) if "\n" in verdict.strip() else verdict.strip()
    if len(reason) > EVIDENCE_CHARS:
        reason = reason[: EVIDENCE_CHARS - 1] + "…"
    return f"(evidence: '{check.name}': {reason})"
