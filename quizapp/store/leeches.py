"""Leeches: items answered wrong again and again, and what teaches the same concept. Pure.

An item is a leech once its wrong answers (every mode, cram included: a wrong answer is a wrong
answer) reach the threshold (`leech_threshold`, default 6). For each one the report offers what
teaches the same concept: the drills whose `related` questions include it, or come from its
deck and share one of its concept tags (the named one first), and up to
`MAX_SUGGESTED_QUESTIONS` other questions of its deck sharing a concept tag, fewest right
answers first. Meta tags (`myth`, `pytorch`, ...) never link items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from quizapp.quiz.sessions import ItemInfo, concept_tags
from quizapp.store.records import History

DEFAULT_LEECH_THRESHOLD = 6
MAX_SUGGESTED_QUESTIONS = 5


@dataclass(frozen=True, slots=True)
class Leech:
    """An item answered wrong at least the threshold number of times."""

    item_id: str
    kind: str
    deck: str | None
    tags: list[str]
    wrong: int
    attempts: int
    drills: list[str]  # drills that teach the same concept
    questions: list[str]  # other questions on the same tags


def find_leeches(
    history: History,
    catalog: Sequence[ItemInfo],
    *,
    threshold: int = DEFAULT_LEECH_THRESHOLD,
    drill_related: Mapping[str, Sequence[str]] | None = None,
) -> list[Leech]:
    """Every leech, most wrong answers first (then by id).

    Args:
        history: the store's snapshot.
        catalog: the items that can be asked now (suggestions come only from it).
        threshold: wrong answers that make a leech (at least 1).
        drill_related: drill id -> the question ids it is related to (`Drill.related`).
    """
    threshold = max(1, threshold)
    wrong: Counter[str] = Counter()
    total: Counter[str] = Counter()
    last_seen: dict[str, tuple[str, str | None, tuple[str, ...]]] = {}
    right: Counter[str] = Counter()
    for a in history.attempts:
        total[a.item_id] += 1
        wrong[a.item_id] += int(not a.correct)
        right[a.item_id] += int(a.correct)
        last_seen[a.item_id] = (a.kind, a.deck, a.tags)
    by_id = {i.item_id: i for i in catalog}
    order = {i.item_id: n for n, i in enumerate(catalog)}
    related = drill_related or {}
    drill_decks = {
        drill: {by_id[q].deck for q in questions if q in by_id}
        for drill, questions in related.items()
    }
    leeches: list[Leech] = []
    for item_id, n_wrong in wrong.items():
        if n_wrong < threshold:
            continue
        item = by_id.get(item_id)
        kind, deck, tags = last_seen[item_id]
        if item is not None:
            kind, deck, tags = item.kind, item.deck, item.tags
        tag_set = set(concept_tags(tags))
        # A drill teaches it when the drill names it as related, or when the drill's related
        # questions come from the leech's deck and share a concept with it (a train/eval
        # question in the dropout deck is not taught by the BatchNorm drill).
        drills = sorted(
            (
                d.item_id
                for d in catalog
                if d.kind == "drill"
                and d.item_id != item_id
                and (
                    item_id in related.get(d.item_id, ())
                    or (deck in drill_decks.get(d.item_id, ()) and tag_set & set(d.tags))
                )
            ),
            key=lambda d: (item_id not in related.get(d, ()), order[d]),
        )
        questions = sorted(
            (
                q.item_id
                for q in catalog
                if q.kind == "question"
                and q.item_id != item_id
                and q.deck == deck
                and tag_set & set(q.tags)
            ),
            key=lambda q: (right[q], order[q]),
        )[:MAX_SUGGESTED_QUESTIONS]
        leeches.append(
            Leech(
                item_id=item_id,
                kind=kind,
                deck=deck,
                tags=list(tags),
                wrong=n_wrong,
                attempts=total[item_id],
                drills=drills,
                questions=questions,
            )
        )
    leeches.sort(key=lambda leech: (-leech.wrong, leech.item_id))
    return leeches
