"""Sentences of the top clauses scored against the question, and the few worth quoting.

A sentence's score is the probability, from a logistic model fitted on labelled questions
(``sentences.json``, written by ``python -m policyqa.evaluation.calibrate``), that it holds
the answer. Its evidence: how close its vector is to the question's (and how far below the
best candidate's), how much of the question's wording it repeats (and how far below the
best), where its clause ranks in each retriever, whether it holds a figure the question
asks for, and whether it only restates its article's title. When the question's words are
not the clause's words, the model leans on the meaning: that is what it learned from the
paraphrases it was fitted on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..text.normalize import squash
from ..text.numerals import AMOUNT, YEAR, target_years
from ..text.sentences import sentences
from ..types import Clause, Hit
from .calibration import load_model
from .context import Context

MODEL = "sentences"
SENTENCE_FEATURES = (
    "cos",  # cosine of the sentence and the question
    "cos_gap",  # below the best candidate's cosine
    "overlap",  # share of the question's words (or translated concepts) it has, by rarity
    "overlap_gap",  # below the best candidate's overlap
    "clause_prior",  # 1 / (1 + rank of its clause among the candidates)
    "clause_bm25",  # 1 / its clause's BM25 rank (0 when BM25 did not rank it)
    "clause_dense",  # 1 / its clause's dense rank
    "figure",  # it holds a figure
    "figure_asked",  # it holds a figure and the question asks for one
    "title_only",  # it is its article's own title (restates the question, answers nothing)
    "log_length",  # log of its length in characters
    "english_cos",  # cos for an English question (its cosines run lower)
    "english_overlap",  # overlap for an English question (translated concepts)
    "overlap_shared",  # overlap × the best candidate's overlap: words count when shared
    "cos_paraphrase",  # cos × (1 - the best candidate's overlap): meaning decides when no
    # candidate shares the question's words (a paraphrase)
    "best_in_clause",  # no other sentence of its clause is nearer the question
    "year_conflict",  # the question names a target year; the sentence names only others,
    # or its document's period (in its citation) ends before it
)


@dataclass(frozen=True)
class Scored:
    clause: Clause
    sentence: str
    score: float


@dataclass(frozen=True)
class Candidate:
    clause: Clause
    sentence: str
    x: dict[str, float]


def candidates_with_features(
    ctx: Context, hits: Sequence[Hit], tokens: Sequence[str] | None = None, numeric: bool = False
) -> list[Candidate]:
    """Every sentence of ``hits`` with its evidence (see :data:`SENTENCE_FEATURES`)."""
    rows = [(rank, h, s) for rank, h in enumerate(hits) for s in sentences(h.clause.text)]
    if not rows:
        return []
    cos = ctx.sentence_cos([s for _, _, s in rows])
    toks = tokens if tokens is not None else ctx.tokens
    if ctx.english and ctx.concepts:
        over = [ctx.concept_overlap(s) for _, _, s in rows]
    elif not ctx.english and toks:
        over = [ctx.overlap(s, toks) for _, _, s in rows]
    else:
        over = [0.0] * len(rows)
    best_cos, best_over = max(cos), max(over)
    nearest_in: dict[int, float] = {}
    for (rank, _, _), c in zip(rows, cos, strict=True):
        nearest_in[rank] = max(nearest_in.get(rank, c), c)
    en = float(ctx.english)
    asked = {int(y) for y in target_years(ctx.question)}
    out = []
    for (rank, h, s), c, o in zip(rows, cos, over, strict=True):
        c_ = h.clause
        figure = float(bool(AMOUNT.search(s)))
        x = {
            "cos": c,
            "cos_gap": c - best_cos,
            "overlap": o,
            "overlap_gap": o - best_over,
            "clause_prior": 1.0 / (1.0 + rank),
            "clause_bm25": 1.0 / h.bm25_rank if h.bm25_rank else 0.0,
            "clause_dense": 1.0 / h.dense_rank if h.dense_rank else 0.0,
            "figure": figure,
            "figure_asked": figure * float(numeric),
            "title_only": float(bool(c_.title) and c_.title in s and len(s) <= len(c_.title) + 8),
            "log_length": math.log(1 + len(squash(s))),
            "english_cos": en * c,
            "english_overlap": en * o,
            "overlap_shared": o * best_over,
            "cos_paraphrase": c * (1.0 - best_over),
            "best_in_clause": float(c >= nearest_in[rank]),
            "year_conflict": _year_conflict(asked, s, c_.citation),
        }
        out.append(Candidate(c_, s, x))
    return out


def of_years_asked(question: str, scored: list[Scored]) -> list[Scored]:
    """``scored`` without the sentences that cannot give a figure for the years the question
    asks (see :func:`_year_conflict`), unless none that gives a figure is left."""
    asked = {int(y) for y in target_years(question)}
    kept = [x for x in scored if not _year_conflict(asked, x.sentence, x.clause.citation)]
    return kept if any(AMOUNT.search(x.sentence) for x in kept) else scored


def _year_conflict(asked: set[int], sentence: str, citation: str) -> float:
    """1 when ``sentence`` cannot give a figure for the years asked: it names target years,
    none of them asked, or its document's period ends before the first year asked."""
    if not asked:
        return 0.0
    named = {int(y) for y in target_years(sentence)}
    period = [int(y) for y in YEAR.findall(citation)]
    return float(bool(named) and not named & asked or bool(period) and max(period) < min(asked))


def score_sentences(
    ctx: Context, hits: Sequence[Hit], tokens: Sequence[str] | None = None, numeric: bool = False
) -> list[Scored]:
    """Candidate sentences of the top clauses, most likely to hold the answer first."""
    model = load_model(MODEL)
    cands = candidates_with_features(ctx, hits, tokens, numeric)
    out = [Scored(c.clause, c.sentence, model.probability(c.x)) for c in cands]
    out.sort(key=lambda x: -x.score)
    return out


def pick(scored: list[Scored], n: int = 3) -> list[Scored]:
    """The best sentence, and up to ``n - 1`` more whose own probability reaches the floor
    chosen with the sentence model (the fewest sentences that still hold the answer)."""
    floor = float(load_model(MODEL).meta.get("floor", 1.0))
    return scored[:1] + [x for x in scored[1:n] if x.score >= floor]


def silence() -> float:
    """Below this score a compared document's best sentence does not answer: that document
    is said to be silent (see ``sentences.json`` for how it was chosen)."""
    return float(load_model(MODEL).meta.get("silence", 0.0))


def in_doc_order(picked: list[Scored]) -> list[Scored]:
    """Keep relevance order between clauses, document order within one clause."""
    order: list[str] = []
    for p in picked:
        if p.clause.clause_id not in order:
            order.append(p.clause.clause_id)
    return sorted(
        picked, key=lambda p: (order.index(p.clause.clause_id), p.clause.text.find(p.sentence))
    )
