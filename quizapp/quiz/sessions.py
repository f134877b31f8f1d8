"""Session building: which items a study session asks, in which order. Pure functions.

Inputs are plain data: a catalog of `ItemInfo` (built from the bank with `catalog_from_bank`,
drills added with `drill_item`) and, where progress matters, `ItemProgress` by item id (the store
computes it with `ProgressStore.progress(now)`). Nothing here reads files, the clock or a store.
Ties are always broken by catalog order, so the same inputs give the same session; `seed`
shuffles deterministically.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

from quizapp.bank.drill import Drill
from quizapp.bank.loader import Bank
from quizapp.bank.model import Question

ItemKind: TypeAlias = Literal["question", "drill"]
# How an answer given in the session is recorded: `cram` never changes review state.
Mode: TypeAlias = Literal["review", "learn", "cram", "mock"]
SessionKind: TypeAlias = Literal[
    "deck", "tag", "difficulty", "review", "weakest", "new", "mock", "cram", "today"
]
MODES: tuple[Mode, ...] = ("review", "learn", "cram", "mock")

DRILL_DECK = "drills"
# How many of an item's latest verdicts measure its current weakness.
RECENT_VERDICTS = 5
# FSRS's Review state (fsrs.State.Review), kept as a number so this module needs no fsrs import.
REVIEW_STATE = 2
# Tags that say what kind of question it is, not what it is about: never a "topic" to study.
META_TAGS = frozenset(
    {"myth", "pytorch", "bug", "numeric", "paper", "code", "formula", "derivation", "testing"}
    | {"edge-cases", "debugging", "seed", "interview"}
)


def concept_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """The tags that name a concept (`META_TAGS` left out), in their order."""
    return tuple(t for t in tags if t not in META_TAGS)


# Seconds a prepared candidate needs per question type at difficulty 2; drills count as "drill".
_BASE_SECONDS: dict[str, int] = {
    "true_false": 20,
    "single_choice": 40,
    "multiple_choice": 60,
    "short_answer": 45,
    "numeric": 90,
    "code_output": 60,
    "open": 180,
    "drill": 1200,
}
_DIFFICULTY_FACTOR: dict[int, float] = {1: 0.75, 2: 1.0, 3: 1.5}


def default_expected_seconds(kind: str, difficulty: int = 2) -> int:
    """Expected answer time for a question type (or `"drill"`) at a difficulty of 1-3."""
    base = _BASE_SECONDS.get(kind, 60)
    return round(base * _DIFFICULTY_FACTOR.get(difficulty, 1.0))


def expected_seconds(question: Question) -> int:
    """The question's own `expected_seconds`, else the default for its type and difficulty."""
    if question.expected_seconds is not None:
        return question.expected_seconds
    return default_expected_seconds(question.type, question.difficulty)


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """What session building and the report need to know about one question or drill."""

    item_id: str
    kind: ItemKind
    deck: str
    tags: tuple[str, ...]
    difficulty: int
    qtype: str  # the question type, or "drill"
    expected_seconds: int


@dataclass(frozen=True, slots=True)
class ItemProgress:
    """One item's record so far, as of some moment `now` chosen by whoever computed it.

    `due` is None for an item with no review card yet (never answered outside cram), and
    `retrievability` is FSRS's probability of recall at that moment (None without a card).
    `recent` holds the latest verdicts, oldest first, at most `RECENT_VERDICTS` of them.
    """

    item_id: str
    attempts: int = 0
    correct: int = 0
    recent: tuple[bool, ...] = ()
    last_answered_at: datetime | None = None
    due: datetime | None = None
    state: int | None = None
    stability: float | None = None
    retrievability: float | None = None

    @property
    def is_new(self) -> bool:
        """Never scheduled: no review card yet."""
        return self.due is None

    @property
    def weakness(self) -> float:
        """1 minus the smoothed share of recent right answers: 0.5 with no attempts at all."""
        right = sum(self.recent)
        return 1.0 - (right + 1) / (len(self.recent) + 2)


@dataclass(frozen=True, slots=True)
class TopicScore:
    """How a tag is going: `weakness` is 1 minus the smoothed recent accuracy of its items."""

    tag: str
    items: int
    attempted_items: int
    attempts: int
    correct: int
    weakness: float
    review_ids: tuple[str, ...]  # its items to review, weakest first


@dataclass(frozen=True, slots=True)
class Session:
    """An ordered list of items to ask, how answers are recorded, and an optional time limit."""

    kind: SessionKind
    title: str
    items: tuple[ItemInfo, ...]
    mode: Mode
    time_limit_seconds: int | None = None

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.item_id for item in self.items)

    def __len__(self) -> int:
        return len(self.items)


def catalog_from_bank(bank: Bank, drills: Iterable[Drill] = ()) -> list[ItemInfo]:
    """Every question of the bank as an `ItemInfo`, in deck order, then the drills.

    Built from each deck's `infos`, so no question is loaded. A question's own
    `expected_seconds` is used when the info carries it, else the default for its type and
    difficulty (recording an answer always uses the question's own). A drill's tags are those
    of the questions it is related to, so it joins their topics.
    """
    items: list[ItemInfo] = []
    tags_of: dict[str, tuple[str, ...]] = {}
    for deck in bank.decks:
        for info in deck.infos:
            own = info.expected_seconds
            items.append(
                ItemInfo(
                    item_id=info.id,
                    kind="question",
                    deck=deck.deck_id,
                    tags=tuple(info.tags),
                    difficulty=info.difficulty,
                    qtype=info.type,
                    expected_seconds=int(own)
                    if own
                    else default_expected_seconds(info.type, info.difficulty),
                )
            )
            tags_of[info.id] = tuple(info.tags)
    for drill in drills:
        tags = {t for qid in drill.related for t in tags_of.get(qid, ())}
        items.append(drill_item(drill.id, tags=sorted(tags), difficulty=drill.difficulty))
    return items


def drill_item(
    drill_id: str,
    *,
    tags: Iterable[str] = (),
    difficulty: int = 3,
    deck: str = DRILL_DECK,
    expected: int | None = None,
) -> ItemInfo:
    """A drill as a catalog item (drills are cards too)."""
    return ItemInfo(
        item_id=drill_id,
        kind="drill",
        deck=deck,
        tags=tuple(tags),
        difficulty=difficulty,
        qtype="drill",
        expected_seconds=expected or default_expected_seconds("drill", difficulty),
    )


def _ordered(
    items: Sequence[ItemInfo], seed: int | None, limit: int | None
) -> tuple[ItemInfo, ...]:
    chosen = list(items)
    if seed is not None:
        random.Random(seed).shuffle(chosen)
    return tuple(chosen if limit is None else chosen[: max(limit, 0)])


def by_deck(
    catalog: Sequence[ItemInfo],
    deck: str,
    *,
    limit: int | None = None,
    seed: int | None = None,
    mode: Mode = "learn",
) -> Session:
    """Every item of `deck`, in deck order (or shuffled with `seed`)."""
    items = [i for i in catalog if i.deck == deck]
    return Session("deck", f"deck {deck}", _ordered(items, seed, limit), mode)


def by_tag(
    catalog: Sequence[ItemInfo],
    tag: str,
    *,
    limit: int | None = None,
    seed: int | None = None,
    mode: Mode = "learn",
) -> Session:
    """Every item tagged `tag`, across decks."""
    items = [i for i in catalog if tag in i.tags]
    return Session("tag", f"tag {tag}", _ordered(items, seed, limit), mode)


def by_difficulty(
    catalog: Sequence[ItemInfo],
    difficulties: int | Collection[int],
    *,
    deck: str | None = None,
    limit: int | None = None,
    seed: int | None = None,
    mode: Mode = "learn",
) -> Session:
    """Items whose difficulty is one of `difficulties`, optionally within one deck."""
    wanted = {difficulties} if isinstance(difficulties, int) else set(difficulties)
    items = [i for i in catalog if i.difficulty in wanted and (deck is None or i.deck == deck)]
    label = ", ".join(str(d) for d in sorted(wanted))
    return Session("difficulty", f"difficulty {label}", _ordered(items, seed, limit), mode)


def cram(
    catalog: Sequence[ItemInfo],
    *,
    deck: str | None = None,
    tag: str | None = None,
    limit: int | None = None,
    seed: int | None = None,
) -> Session:
    """Any deck, tag or the whole bank, ignoring due dates; answers do not change review state."""
    items = [
        i for i in catalog if (deck is None or i.deck == deck) and (tag is None or tag in i.tags)
    ]
    scope = deck or (f"tag {tag}" if tag else "whole bank")
    return Session("cram", f"cram {scope}", _ordered(items, seed, limit), "cram")


def due_reviews(
    catalog: Sequence[ItemInfo],
    progress: Mapping[str, ItemProgress],
    now: datetime,
    *,
    limit: int | None = None,
) -> Session:
    """Items due at `now`: lowest retrievability first, then most overdue.

    Items that left the bank keep their cards in the store but cannot be asked, so only
    catalog items are included. `limit` caps a backlog so it is never one wall of hundreds.
    """
    order = {item.item_id: n for n, item in enumerate(catalog)}
    due = [
        (item, p)
        for item in catalog
        if (p := progress.get(item.item_id)) is not None and p.due is not None and p.due <= now
    ]
    due.sort(
        key=lambda pair: (
            pair[1].retrievability if pair[1].retrievability is not None else 0.0,
            pair[1].due,
            order[pair[0].item_id],
        )
    )
    items = [item for item, _ in due]
    return Session("review", "due reviews", _ordered(items, None, limit), "review")


def new_only(
    catalog: Sequence[ItemInfo],
    progress: Mapping[str, ItemProgress],
    *,
    deck: str | None = None,
    limit: int | None = None,
    seed: int | None = None,
) -> Session:
    """Items never scheduled (no review card yet), in catalog order."""
    items = [
        i
        for i in catalog
        if (deck is None or i.deck == deck) and ((p := progress.get(i.item_id)) is None or p.is_new)
    ]
    return Session("new", "new items", _ordered(items, seed, limit), "learn")


def resume_deck(
    catalog: Sequence[ItemInfo], progress: Mapping[str, ItemProgress], deck: str, now: datetime
) -> Session:
    """Where the user is in `deck`: its due cards (weakest recall first), then what is unseen.

    What was studied and is not due yet is left out; cram asks it again on purpose. An empty
    session means the deck is done for now.
    """
    in_deck = [i for i in catalog if i.deck == deck]
    due = due_reviews(in_deck, progress, now).items
    unseen = new_only(in_deck, progress).items
    return Session("deck", f"deck {deck}", (*due, *unseen), "learn")


def todays_part(catalog: Sequence[ItemInfo], item_ids: Sequence[str]) -> Session:
    """Today's part of the plan, in the plan's order (reviews first, then new items)."""
    by_id = {item.item_id: item for item in catalog}
    items = tuple(by_id[i] for i in dict.fromkeys(item_ids) if i in by_id)
    return Session("today", "today's plan", items, "learn")


def topic_scores(
    catalog: Sequence[ItemInfo], progress: Mapping[str, ItemProgress]
) -> list[TopicScore]:
    """Every concept tag with at least one attempted item, weakest first (`META_TAGS` aside).

    A tag's weakness is 1 - (r + 1) / (n + 2) over its items' recent verdicts (r right out of
    n), so one wrong answer does not make a topic the weakest of all, and recent answers count
    more than old ones. Ties go to the tag with more attempts, then to the name.
    """
    by_tag: dict[str, list[ItemInfo]] = {}
    for item in catalog:
        for tag in concept_tags(item.tags):
            by_tag.setdefault(tag, []).append(item)
    scores: list[TopicScore] = []
    for tag, items in by_tag.items():
        seen = [(i, progress[i.item_id]) for i in items if _attempted(progress.get(i.item_id))]
        if not seen:
            continue
        recent = [v for _, p in seen for v in p.recent]
        weakness = 1.0 - (sum(recent) + 1) / (len(recent) + 2)
        scores.append(
            TopicScore(
                tag=tag,
                items=len(items),
                attempted_items=len(seen),
                attempts=sum(p.attempts for _, p in seen),
                correct=sum(p.correct for _, p in seen),
                weakness=weakness,
                review_ids=tuple(i.item_id for i in _weakest_items(items, progress)),
            )
        )
    scores.sort(key=lambda s: (-s.weakness, -s.attempts, s.tag))
    return scores


def _attempted(p: ItemProgress | None) -> bool:
    return p is not None and p.attempts > 0


def _weakest_items(
    items: Sequence[ItemInfo], progress: Mapping[str, ItemProgress]
) -> list[ItemInfo]:
    """Attempted items, weakest first (lower retrievability breaks ties), then unseen ones."""
    seen = [
        (n, i, progress[i.item_id])
        for n, i in enumerate(items)
        if _attempted(progress.get(i.item_id))
    ]
    seen.sort(
        key=lambda t: (
            -t[2].weakness,
            t[2].retrievability if t[2].retrievability is not None else 0.0,
            t[0],
        )
    )
    unseen = [i for i in items if not _attempted(progress.get(i.item_id))]
    return [i for _, i, _ in seen] + unseen


def weakest_topics(
    catalog: Sequence[ItemInfo],
    progress: Mapping[str, ItemProgress],
    *,
    topics: int = 3,
    per_topic: int = 5,
) -> Session:
    """The weakest `topics` tags, each with up to `per_topic` of its weakest items.

    An item shared by two chosen tags is asked once, under the weaker tag.
    """
    by_id = {item.item_id: item for item in catalog}
    chosen: dict[str, ItemInfo] = {}
    for score in topic_scores(catalog, progress)[: max(topics, 0)]:
        taken = 0
        for item_id in score.review_ids:
            if taken >= per_topic:
                break
            if item_id not in chosen:
                chosen[item_id] = by_id[item_id]
                taken += 1
    return Session("weakest", "weakest topics", tuple(chosen.values()), "learn")


def mock_interview(
    catalog: Sequence[ItemInfo],
    progress: Mapping[str, ItemProgress],
    *,
    questions: int = 8,
    minutes: int = 45,
    seed: int = 0,
) -> Session:
    """A timed mock interview: `questions` questions across topics, then one drill.

    Questions are drawn round-robin over tags (weakest first, then untried ones), alternating
    easier and harder ones so the set spans difficulties; the drill is one not yet answered
    right if there is one. With no drill in the catalog the session holds questions only.
    """
    rng = random.Random(seed)
    pool = [i for i in catalog if i.kind == "question"]
    rng.shuffle(pool)
    pool.sort(key=lambda i: -(progress[i.item_id].weakness if i.item_id in progress else 0.5))
    tags = [s.tag for s in topic_scores(pool, progress)]
    tags += sorted({t for i in pool for t in i.tags} - set(tags))
    queues = {tag: [i for i in pool if tag in i.tags] for tag in tags}
    queues[""] = [i for i in pool if not i.tags]
    picked: dict[str, ItemInfo] = {}
    while len(picked) < questions and any(queues.values()):
        for tag in [*tags, ""]:
            queue = queues[tag]
            while queue and queue[0].item_id in picked:
                queue.pop(0)
            if queue and len(picked) < questions:
                item = queue.pop(0)
                picked[item.item_id] = item
    chosen = sorted(picked.values(), key=lambda i: i.difficulty)
    ordered = _interleave_difficulty(chosen)
    drills = [i for i in catalog if i.kind == "drill"]
    if drills:
        unsolved = [d for d in drills if not _ever_right(progress.get(d.item_id))]
        ordered.append(rng.choice(unsolved or drills))
    return Session("mock", "mock interview", tuple(ordered), "mock", minutes * 60)


def _ever_right(p: ItemProgress | None) -> bool:
    return p is not None and p.correct > 0


def _interleave_difficulty(items: list[ItemInfo]) -> list[ItemInfo]:
    """Easiest first, then alternate from the hard and easy ends (warm up, then vary)."""
    out: list[ItemInfo] = []
    low, high = 0, len(items) - 1
    take_low = True
    while low <= high:
        if take_low:
            out.append(items[low])
            low += 1
        else:
            out.append(items[high])
            high -= 1
        take_low = not take_low
    return out
