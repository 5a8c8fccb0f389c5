"""Sentences of the top clauses scored against the question, and the few worth quoting."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..text.normalize import squash
from ..text.sentences import sentences
from ..types import Clause, Hit
from .context import Context

# a figure, or a counted Chinese number (三个, 两项): what a numeric question asks for
_DIGIT = re.compile(r"[0-9０-９]|[一二两三四五六七八九十百千万亿]+(?:个|项|家|条|处|倍|成)")


@dataclass(frozen=True)
class Scored:
    clause: Clause
    sentence: str
    score: float


def score_sentences(
    ctx: Context, hits: Sequence[Hit], tokens: Sequence[str] | None = None, numeric: bool = False
) -> list[Scored]:
    """Candidate sentences of the top clauses, best first."""
    cands: list[tuple[Clause, str, float]] = []
    for rank, h in enumerate(hits):
        # a mild preference for higher-ranked clauses: a paraphrased question's best sentence
        # often sits in the second or third clause
        prior = 1.0 / (1.0 + 0.25 * rank)
        for s in sentences(h.clause.text):
            cands.append((h.clause, s, prior))
    if not cands:
        return []
    sims = ctx.sentence_cos([s for _, s, _ in cands])
    lo = 0.75 if ctx.english else 0.82
    dense = [max(0.0, (x - lo) / (0.95 - lo)) for x in sims]
    if ctx.english and ctx.concepts:
        base = [
            0.6 * ctx.concept_overlap(s) + 0.4 * d
            for (_, s, _), d in zip(cands, dense, strict=True)
        ]
    elif ctx.english or not (tokens if tokens is not None else ctx.tokens):
        base = dense
    else:
        base = [
            0.6 * ctx.overlap(s, tokens) + 0.4 * d
            for (_, s, _), d in zip(cands, dense, strict=True)
        ]
    out = []
    for (c, s, prior), b in zip(cands, base, strict=True):
        score = b * (0.5 + 0.5 * prior)
        if c.title and c.title in s and len(s) <= len(c.title) + 8:
            score *= 0.4  # the article's own title restates the question, answers nothing
        if numeric and _DIGIT.search(s):
            score *= 1.25
        if len(squash(s)) < 6:
            score *= 0.3
        out.append(Scored(c, s, score))
    out.sort(key=lambda x: -x.score)
    return out


def pick(scored: list[Scored], n: int = 3, ratio: float = 0.6) -> list[Scored]:
    """The best ``n`` sentences scoring at least ``ratio`` of the best one."""
    if not scored:
        return []
    best = scored[0].score
    picked = [x for x in scored[:n] if x.score >= ratio * best and x.score > 0]
    return picked or scored[:1]


def in_doc_order(picked: list[Scored]) -> list[Scored]:
    """Keep relevance order between clauses, document order within one clause."""
    order: list[str] = []
    for p in picked:
        if p.clause.clause_id not in order:
            order.append(p.clause.clause_id)
    return sorted(
        picked, key=lambda p: (order.index(p.clause.clause_id), p.clause.text.find(p.sentence))
    )
