"""Rank fusion: plain functions over ranked lists of ids."""

from __future__ import annotations

from collections.abc import Sequence


def rrf(
    rankings: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Reciprocal rank fusion: sum of ``w / (k + rank)`` over the rankings an id appears in."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + w / (k + rank)
    return scores


def ranks(ranking: Sequence[str]) -> dict[str, int]:
    """1-based rank of each id in a ranking."""
    return {key: r for r, key in enumerate(ranking, start=1)}
