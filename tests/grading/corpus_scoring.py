"""The corpus of public from-scratch implementations, and how well the grader names their flaws.

Each file under `corpus/<drill>/` is real code from a public source (its docstring says where and
what glue adapted it), with `EXPECTED`: the ids of every way it differs from torch, found by hand
(a catalogue id, `new:<drill>.<slug>` for one the catalogue lacks, or `interface:<drill>.<slug>`
for a part of the drill's interface it does not support). `EXPECTED` is read from the source
without running it: corpus code only ever runs in the grader's sandbox.

    python -m tests.grading.corpus_scoring    # the table and the named fraction
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from quizapp.grading.client import GradingClient

CORPUS = Path(__file__).with_name("corpus")


@dataclass(frozen=True, slots=True)
class CorpusCase:
    """One public implementation and what is wrong with it."""

    drill: str
    path: Path
    expected: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.drill}/{self.path.stem}"


@dataclass(frozen=True, slots=True)
class Scored:
    """How the grader did on one case."""

    case: CorpusCase
    passed: bool
    named: tuple[str, ...]  # the expected deviations the report names
    wrongly_named: tuple[str, ...] = ()  # diagnoses of mistakes the implementation lacks

    @property
    def verdict_right(self) -> bool:
        return self.passed == (not self.case.expected)

    @property
    def fully_named(self) -> bool:
        return set(self.named) == set(self.case.expected)


def expected_of(path: Path) -> tuple[str, ...]:
    """The file's `EXPECTED` list, read statically."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "EXPECTED" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list) and all(isinstance(v, str) for v in value), path
            return tuple(value)
    raise AssertionError(f"{path}: no EXPECTED list")


def corpus_cases() -> list[CorpusCase]:
    return [
        CorpusCase(path.parent.name, path, expected_of(path))
        for path in sorted(CORPUS.glob("*/*.py"))
    ]


def score(grader: GradingClient, case: CorpusCase) -> Scored:
    report = grader.grade(case.drill, case.path.read_text(encoding="utf-8"), str(case.path))
    found = [d.id for d in report.diagnosis]
    return Scored(
        case,
        report.passed,
        tuple(e for e in case.expected if e in found),
        tuple(f for f in found if f not in case.expected),
    )


def named_fraction(scores: list[Scored]) -> float:
    """Share of the failing implementations whose report names every expected deviation."""
    failing = [s for s in scores if s.case.expected]
    return sum(s.fully_named for s in failing) / len(failing) if failing else 1.0


def main() -> None:
    client = GradingClient()
    client.start()
    try:
        scores = [score(client, case) for case in corpus_cases()]
    finally:
        client.close()
    for s in scores:
        missing = sorted(set(s.case.expected) - set(s.named))
        mark = "ok " if s.verdict_right else "BAD"
        wrong = f" WRONGLY NAMED {list(s.wrongly_named)}" if s.wrongly_named else ""
        print(
            f"{mark} {s.case.name:45} named {len(s.named)}/{len(s.case.expected)} {missing}{wrong}"
        )
    failing = sum(1 for s in scores if s.case.expected)
    deviations = sum(len(s.case.expected) for s in scores)
    named = sum(len(s.named) for s in scores)
    print(
        f"{len(scores)} implementations, {failing} failing; verdicts right: "
        f"{sum(s.verdict_right for s in scores)}/{len(scores)}; every deviation named in "
        f"{named_fraction(scores):.0%} of the failing ones; {named} of {deviations} deviations "
        "named in all"
    )


if __name__ == "__main__":
    main()
