"""Generates a large valid bank (default 10,000 questions in 100 decks) for benchmarks."""

from __future__ import annotations

import sys
from pathlib import Path

TEMPLATE = """\
  - id: gen.d{deck}.q{n}
    type: {qtype}
    tags: [generated, topic-{topic}]
    difficulty: {difficulty}
    prompt:
      en: Generated question {n} of deck {deck}. Which statement about normalization holds?
      zh: 第 {deck} 组第 {n} 道生成题。关于归一化，哪个说法成立？
    explanation:
      en: Generated explanation text that is long enough to resemble a real one in size.
      zh: 生成的解析文本，长度与真实解析相近。
{body}"""
BODIES = {
    "single_choice": """\
    choices:
      - {text: {en: first, zh: 第一}, correct: true, why: {en: right, zh: 对}}
      - {text: {en: second, zh: 第二}, why: {en: wrong, zh: 错}}
      - {text: {en: third, zh: 第三}}
""",
    "true_false": "    answer: true\n",
    "numeric": "    answer: 1.25\n    abs_tol: 0.01\n    solution_code: print(1.25)\n",
    "short_answer": "    accept: [RMSNorm, RMS norm]\n",
}


def write_bank(folder: Path, questions: int = 10_000, decks: int = 100) -> Path:
    """Write `questions` questions spread over `decks` deck files under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    per_deck = max(1, questions // decks)
    kinds = list(BODIES)
    for d in range(decks):
        parts = [f"format_version: 1\ntitle: Generated deck {d}\nquestions:\n"]
        for n in range(per_deck):
            qtype = kinds[n % len(kinds)]
            parts.append(
                TEMPLATE.format(
                    deck=d, n=n, qtype=qtype, topic=n % 7, difficulty=1 + n % 3, body=BODIES[qtype]
                )
            )
        (folder / f"gen{d:03d}.yaml").write_text("".join(parts), encoding="utf-8")
    return folder


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bench-bank")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    print(write_bank(target, count))
