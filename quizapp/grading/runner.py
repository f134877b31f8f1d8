"""Grading one submission in the server: reference results, the sandboxed run, verdict, diagnosis.

Reference results and catalogued mistakes' results are computed here, in the trusted process,
once per drill and kept for later runs; only the submission's own run is forked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizapp.bank.drill import Drill
from quizapp.grading.aspects import aspect_findings
from quizapp.grading.child import format_error
from quizapp.grading.protocol import Frame, ProtocolError
from quizapp.grading.report import CheckResult, Diagnosis, Protection, Report
from quizapp.grading.sandbox import OUTPUT_FAIL_BYTES, ChildRun, Limits, run_child
from quizapp.grading.source_rules import SourceFindings, read_source
from quizapp.grading.structure import structure_findings
from quizapp.grading.suite import (
    Check,
    DrillSuite,
    Inputs,
    Mistake,
    Recorded,
    Recorder,
    clone_inputs,
    recorded_from_frame,
)
from quizapp.grading.zygote import Zygote

# (checks judged so far, checks in all, the newest check's result): called as each arrives.
Progress = Callable[[int, int, CheckResult], None]
# A check's recorded result and verdict (None when it passed), keyed by check name.
Judged = dict[str, tuple[Recorded, str | None]]
FORBIDDEN_CHECK = "written from plain tensor ops"
LOAD_CHECK = "load the submission"
PROCESS_CHECK = "process ended normally"
OUTPUT_CHECK = "printed output within limits"


def run_in_process(impl: Any, check: Check, inputs: Inputs) -> Recorded:
    """Run a check on a trusted implementation (torch's or a catalogued mistake)."""
    import torch

    torch.manual_seed(0)  # the child seeds the same way: random layers repeat run to run
    rec = Recorder()
    try:
        check.run(impl, clone_inputs(inputs), rec)
    except Exception as exc:  # a flawed layer failing is data, not a crash
        result = rec.result()
        result.error = format_error(exc, "")
        result.error_type = type(exc).__name__
        return result
    return rec.result()


@dataclass
class PreparedSuite:
    """A drill's checks with their inputs and reference results, built once per server."""

    suite: DrillSuite
    checks: list[Check]
    inputs: dict[str, Inputs]
    refs: dict[str, Recorded]
    mistake_runs: dict[tuple[str, int, str], Recorded] = field(default_factory=dict)
    by_name: dict[str, Check] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {c.name: c for c in self.checks}

    @classmethod
    def build(cls, suite: DrillSuite) -> PreparedSuite:
        checks = suite.build_checks()
        inputs = {c.name: c.make_inputs() for c in checks}
        refs = {c.name: run_in_process(suite.reference, c, inputs[c.name]) for c in checks}
        broken = {n: r.error for n, r in refs.items() if r.error is not None}
        if broken:
            raise RuntimeError(f"reference fails its own checks: {broken}")
        return cls(suite, checks, inputs, refs)

    def mistake_run(self, mistake: Mistake, index: int, check: Check) -> Recorded:
        key = (mistake.id, index, check.name)
        if key not in self.mistake_runs:
            impl = mistake.impls[index]
            self.mistake_runs[key] = run_in_process(impl, check, self.inputs[check.name])
        return self.mistake_runs[key]


class FrameOrder:
    """The only sequence of frames a child may send: what the sandbox enforced, the load, each
    check the server asked for in its order, the end; anything else is a corrupted channel."""

    def __init__(self, checks: list[Check]) -> None:
        self.expected = ["sandbox", "load", *(f"check:{c.name}" for c in checks), "done"]
        self.position = 0

    def accept(self, frame: Frame) -> None:
        kind = str(frame.header.get("kind"))
        got = f"check:{frame.header.get('name')}" if kind == "check" else kind
        if self.position >= len(self.expected):
            raise ProtocolError(f"a '{kind}' frame after the end")
        want = self.expected[self.position]
        if got != want:
            raise ProtocolError(f"a '{got}' frame where the grader expected '{want}'")
        self.position += 1
        if kind == "load" and frame.header.get("error") is not None:
            self.position = len(self.expected)  # a file that failed to load sends nothing else


def grade(
    prepared: PreparedSuite,
    drill: Drill,
    source: str,
    filename: str,
    *,
    zygote: Zygote,
    limits: Limits,
    progress: Progress | None = None,
    control_fd: int | None = None,
    on_control: Callable[[], bool] | None = None,
) -> Report:
    """Run the submission in a sandboxed child and judge what it sent back."""
    start = time.monotonic()
    checks = prepared.checks
    judged: Judged = {}

    order = FrameOrder(checks)

    def on_frame(frame: Frame) -> None:
        order.accept(frame)
        # Judged as it arrives so the user sees each verdict stream in; `judge` reuses these.
        result = judge_frame(prepared, frame, judged)
        if result is not None and progress is not None:
            progress(len(judged), len(checks), result)

    request = {"drill": drill.id, "entry": drill.entry, "source": source, "filename": filename}
    run = run_child(
        zygote,
        request,
        limits=limits,
        on_frame=on_frame,
        control_fd=control_fd,
        on_control=on_control,
    )
    # Read in this process, where the submission cannot reach: evidence it cannot patch.
    source_findings = read_source(source, [*drill.forbidden, drill.entry])
    report = judge(prepared, drill, run, limits, judged, zygote.protections, source_findings)
    return Report(
        drill=report.drill,
        passed=report.passed,
        checks=report.checks,
        diagnosis=report.diagnosis,
        duration_s=time.monotonic() - start,
        output=report.output,
        cancelled=run.cancelled,
        protections=report.protections,
    )


def judge_frame(prepared: PreparedSuite, frame: Frame, judged: Judged) -> CheckResult | None:
    """Judge a check frame the first time its check is seen; None for any other frame."""
    name = str(frame.header.get("name"))
    if frame.header.get("kind") != "check" or name not in prepared.by_name or name in judged:
        return None
    rec = recorded_from_frame(frame.header, frame.arrays)
    check = prepared.by_name[name]
    verdict = check.verdict(prepared.refs[name], rec, prepared.inputs[name])
    judged[name] = (rec, verdict)
    return CheckResult(name, verdict is None, verdict or "")


def judge(
    prepared: PreparedSuite,
    drill: Drill,
    run: ChildRun,
    limits: Limits,
    judged: Judged | None = None,
    protections: Sequence[Protection] = (),
    source: SourceFindings | None = None,
) -> Report:
    """The verdict from the child's frames alone; nothing the child claims is a verdict.

    `judged` holds the checks already judged while the run streamed in; `protections` are the
    server's and the zygote's, to which the child's own report is added; `source` is what the
    server read in the submission's text.
    """
    source = source or SourceFindings()
    output = run.output
    if run.output_bytes > len(run.output.encode()):
        output += f"\n[... output truncated: {run.output_bytes:,} bytes in all]"
    judged = {} if judged is None else judged
    load: Frame | None = None
    finished = False
    shields = list(protections)
    for frame in run.frames:
        kind = frame.header.get("kind")
        if kind == "sandbox":
            found = frame.header.get("protections")
            shields.extend(p for p in map(Protection.from_json, found or ()) if p is not None)
        elif kind == "load" and load is None:
            load = frame
        elif kind == "check":
            judge_frame(prepared, frame, judged)
        elif kind == "done":
            finished = True
    got = {name: rec for name, (rec, _) in judged.items()}
    ending = run.ending(limits.time_s)
    results: list[CheckResult] = []
    if load is None or load.header.get("error") is not None:
        if load is not None:
            message = str(load.header.get("error"))
        else:
            message = ending or _exit_message(run, "while loading the file")
        results.append(CheckResult(LOAD_CHECK, False, message))
        return Report(drill.id, False, tuple(results), output=output, protections=tuple(shields))
    ops: set[str] = {str(o) for o in load.header.get("ops", [])}
    failing: list[Check] = []
    first_missing: str | None = None
    for check in prepared.checks:
        rec = got.get(check.name)
        if rec is None:
            first_missing = first_missing or check.name
            results.append(CheckResult(check.name, False, "not run: the process ended first"))
            continue
        ops.update(rec.ops)
        verdict = judged[check.name][1]
        results.append(CheckResult(check.name, verdict is None, verdict or ""))
        if verdict is not None:
            failing.append(check)
    if not finished or ending:
        where = f" during '{first_missing}'" if first_missing else ""
        reason = ending or _exit_message(run, "before finishing")
        results.insert(0, CheckResult(PROCESS_CHECK, False, f"{reason}{where}"))
    if run.output_bytes > OUTPUT_FAIL_BYTES and not run.flooded:
        message = (
            f"the submission printed {run.output_bytes:,} bytes; at most "
            f"{OUTPUT_FAIL_BYTES:,} are allowed: remove the prints inside loops"
        )
        results.insert(0, CheckResult(OUTPUT_CHECK, False, message))
    diagnosis: list[Diagnosis] = []
    used = (ops & set(drill.forbidden)) | set(source.builtins)
    builtin = _forbidden_message(prepared.suite, drill, used, load.header.get("mro", []))
    forbidden = builtin
    if source.refused:
        refused = "\n".join(source.refused)
        hidden = f"the grader refuses code that could hide what it runs:\n{refused}"
        forbidden = f"{builtin}\n{hidden}" if builtin else hidden
    results.append(CheckResult(FORBIDDEN_CHECK, forbidden is None, forbidden or ""))
    if builtin is not None:
        diagnosis.append(Diagnosis(f"{drill.id}.uses-builtin", builtin, drill.related))
    explained: set[str] = set()
    diagnosis.extend(diagnose(prepared, failing, got, explained))
    diagnosis.extend(structure_findings(family_of(prepared.suite), failing, prepared.refs, got))
    named = {d.id for d in diagnosis}
    diagnosis.extend(aspect_findings(prepared.checks, judged, prepared.refs, explained, named))
    passed = all(r.passed for r in results)
    findings, shown = tuple(diagnosis), tuple(shields)
    return Report(drill.id, passed, tuple(results), findings, output=output, protections=shown)


def _exit_message(run: ChildRun, when: str) -> str:
    if run.signal is not None:
        return run.ending(0)
    status = run.exit_status
    return (
        f"the process exited with status {status} {when} (os._exit or a hard exit in the "
        "submission?); nothing after that point could be checked"
    )


def _forbidden_message(suite: DrillSuite, drill: Drill, used: set[str], mro: Any) -> str | None:
    """What the submission used of torch's built-ins (run, or spelled out in its source)."""
    if used:
        names = ", ".join(f"`{u}`" for u in sorted(used))
        return (
            f"your code runs torch's built-in {names} (through nn, torch.nn.functional, "
            "torch.ops.aten or an alias); this drill asks you to write it from plain tensor ops"
        )
    if isinstance(mro, list):
        foreign = [
            str(c)
            for c in mro
            if isinstance(c, str) and c.startswith("torch.") and c not in suite.allowed_bases
        ]
        if foreign:
            return (
                f"{drill.entry} inherits from {foreign[0]}; subclass only the base class the "
                "drill names and write the computation yourself"
            )
    return None


def family_of(suite: DrillSuite) -> str:
    """The prefix the drill's catalogue ids share (`batchnorm` for BatchNorm1d and 2d)."""
    ids = [m.id for m in suite.mistakes]
    return ids[0].split(".", 1)[0] if ids else suite.drill_id


def diagnose(
    prepared: PreparedSuite,
    failing: list[Check],
    got: dict[str, Recorded],
    explained_names: set[str] | None = None,
) -> list[Diagnosis]:
    """Name every catalogued mistake that reproduces the user's numbers where they differ.

    Greedy: the mistake explaining the most remaining failed checks first, then the next one on
    what is left, until no mistake explains any of it. The names of the checks the named
    mistakes explain are added to `explained_names`.
    """
    remaining = [c for c in failing if c.name in got]
    found: list[Diagnosis] = []
    used: set[str] = set()
    while remaining:
        best: tuple[Mistake, list[Check]] | None = None
        for mistake in prepared.suite.mistakes:
            if mistake.id in used:
                continue
            explained = _explained(prepared, mistake, remaining, got, best)
            if explained and (best is None or len(explained) > len(best[1])):
                best = (mistake, explained)
        # Real code has several mistakes at once: every mistake that reproduces the user's
        # numbers on some failing check is named, largest first. Matching is strict enough
        # (same numbers, or the very same error) that a partial match is still evidence.
        # One check matching on facts alone is weak evidence (an empty starter has no buffers
        # in its state_dict, like a layer that keeps them as plain attributes): a finding needs
        # two checks, or one whose numbers match.
        if best is None or (len(best[1]) < 2 and not prepared.refs[best[1][0].name].arrays):
            break
        mistake, explained = best
        used.add(mistake.id)
        found.append(Diagnosis(mistake.id, _diagnosis_text(mistake), mistake.related))
        if explained_names is not None:
            explained_names.update(c.name for c in explained)
        remaining = [c for c in remaining if c not in explained]
    return found


def _explained(
    prepared: PreparedSuite,
    mistake: Mistake,
    remaining: list[Check],
    got: dict[str, Recorded],
    best: tuple[Mistake, list[Check]] | None,
) -> list[Check]:
    explained: list[Check] = []
    misses = 0
    need = len(best[1]) + 1 if best else 1
    for check in remaining:
        if misses > len(remaining) - need:
            return []  # cannot win any more: stop running this mistake
        inputs = prepared.inputs[check.name]
        if any(
            check.matches(prepared.mistake_run(mistake, i, check), got[check.name], inputs)
            for i in range(len(mistake.impls))
        ):
            explained.append(check)
        else:
            misses += 1
    return explained


def _diagnosis_text(mistake: Mistake) -> str:
    if mistake.related:
        return f"{mistake.message} (quiz: {', '.join(mistake.related)})"
    return mistake.message
