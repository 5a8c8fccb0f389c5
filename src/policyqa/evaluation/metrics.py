"""Retrieval and answer metrics: small pure functions over ranked passage texts and an
item's gold strings, knowing nothing of the engine.

Judging follows the gold-set README: all whitespace is removed from passages and gold
strings; a passage is relevant if it contains at least one of the item's gold strings; a
``cross_document`` item is a hit at k only if every named document has a relevant passage
in the top k. An answer is correct if it contains every ``answer`` string (whitespace
removed); for an unanswerable item the answer is correct if the engine abstained.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from ..text.normalize import squash

RANK_DEPTH = 10  # MRR@10, nDCG@10


strip_ws = squash  # the judging rule's name for it


def is_relevant(passage: str, gold: Iterable[str]) -> bool:
    """True if the passage contains at least one gold string, whitespace ignored."""
    p = strip_ws(passage)
    return any(strip_ws(g) in p for g in gold if strip_ws(g))


def relevance(passages: Sequence[str], gold: Sequence[str]) -> list[bool]:
    """Binary relevance of each ranked passage."""
    return [is_relevant(p, gold) for p in passages]


def hit_at_k(rels: Sequence[bool], k: int) -> float:
    """1.0 if any of the top ``k`` passages is relevant."""
    return 1.0 if any(rels[:k]) else 0.0


def docs_hit_at_k(
    passages: Sequence[str],
    passage_docs: Sequence[str],
    gold: Sequence[str],
    docs: Sequence[str],
    k: int,
) -> float:
    """Cross-document rule: 1.0 only if every document in ``docs`` has a relevant passage
    (from that document) within the top ``k``."""
    top = list(zip(passages[:k], passage_docs[:k], strict=True))
    ok = all(any(pd == d and is_relevant(p, gold) for p, pd in top) for d in docs)
    return 1.0 if docs and ok else 0.0


def recall_at_k(passages: Sequence[str], gold: Sequence[str], k: int) -> float:
    """Fraction of the gold strings found in at least one of the top ``k`` passages."""
    golds = [strip_ws(g) for g in gold if strip_ws(g)]
    if not golds:
        return 0.0
    top = [strip_ws(p) for p in passages[:k]]
    return sum(1 for g in golds if any(g in p for p in top)) / len(golds)


def first_relevant_rank(rels: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant passage, or None."""
    return next((i for i, r in enumerate(rels, 1) if r), None)


def reciprocal_rank(rels: Sequence[bool], k: int = RANK_DEPTH) -> float:
    """1/rank of the first relevant passage within the top ``k``, else 0."""
    r = first_relevant_rank(rels[:k])
    return 1.0 / r if r else 0.0


def ndcg_at_k(rels: Sequence[bool], k: int = RANK_DEPTH, n_relevant: int | None = None) -> float:
    """Binary nDCG@k. ``n_relevant`` is how many relevant passages exist in the whole corpus
    (the ideal ranking puts them all first); default: as many as were retrieved."""
    dcg = sum(1.0 / math.log2(i + 1) for i, r in enumerate(rels[:k], 1) if r)
    n = sum(1 for r in rels if r) if n_relevant is None else n_relevant
    n = max(n, sum(1 for r in rels[:k] if r))  # never above 1 if the count was short
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(n, k) + 1))
    return dcg / ideal if ideal else 0.0


def answer_correct(answer: str, abstained: bool, expected: Sequence[str], answerable: bool) -> bool:
    """Answerable: not abstained and contains every expected string (whitespace removed).
    Unanswerable: correct exactly when the engine abstained."""
    if not answerable:
        return abstained
    text = strip_ws(answer)
    return not abstained and all(strip_ws(a) in text for a in expected)


def mean(values: Iterable[float]) -> float | None:
    vals = list(values)
    return sum(vals) / len(vals) if vals else None
