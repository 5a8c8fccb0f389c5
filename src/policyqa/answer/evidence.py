"""Measurable evidence that the corpus answers a question, one number per feature.

Each feature is something retrieval already knows or the answer step can measure cheaply:
how close the question's vector comes to a clause and to a sentence, how far the best
sentence stands out from the next clause's, how much of the question's wording the best
clauses repeat, how much of it the corpus never uses, whether the two retrievers agree,
and the question's language and kind. :mod:`.calibration` turns them into a probability
with a model fitted on labelled questions; nothing here decides on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..text.chars import has_han
from ..text.numerals import YEAR
from ..text.sentences import sentences
from ..types import AnswerKind, Hit
from .asked import Asked, any_holds, asked
from .context import Context

# the kinds a question can be answered as before the answer is composed (clause lookups are
# answered whenever their reference resolves, so they need no score)
KINDS = (AnswerKind.LEAD, AnswerKind.NUMERIC, AnswerKind.CROSS)

FEATURES = (
    "cos_clause",  # cosine of the nearest indexed passage anywhere in the corpus
    "cos_sentence",  # cosine of the nearest sentence of the top five clauses
    "sentence_margin",  # that sentence over the best sentence of any other clause
    "coverage",  # share of the question's words (by rarity) the best of the top 3 clauses has
    "coverage_top",  # the same for the first clause alone
    "missing",  # share of the question's words (by rarity) the corpus never uses
    "elsewhere",  # share the corpus uses, but none of the top three clauses
    "agreement",  # 1 / worse rank of the clause both retrievers put highest (of the top 3)
    # "figure" below: what a text gives or lacks, a figure in a unit, a year or a sanction
    "figure_asked",  # the question asks for one (see .asked)
    "figure_missing",  # ... and none of the sentences nearest the question gives one
    "figure_absent",  # ... and none of the top three clauses gives one anywhere
    "figure_coverage",  # coverage of the best sentence of the top 3 giving it (1: none asked)
    "year_absent",  # the question names years no clause of the top three (or its citation) has
    "english",
    *(f"kind_{k.value}" for k in KINDS),
)

DEPTH = 5  # clauses whose sentences are compared with the question
NEAREST = 3  # sentences nearest the question that should hold a figure it asks for


def features(ctx: Context, kind: AnswerKind) -> dict[str, float]:
    """The evidence for ``ctx``'s question, by feature name (see :data:`FEATURES`)."""
    hits = ctx.hits[:DEPTH]
    wanted = asked(ctx.question, ctx.english, ctx.view.translate)
    split = [(i, s) for i, h in enumerate(hits) for s in sentences(h.clause.text)]
    cos_sentence, margin, nearest = _sentence_evidence(ctx, split, len(hits))
    wording = _wording(ctx)
    covers = [wording.coverage(h.clause.text + "".join(h.clause.heading_path)) for h in hits[:3]]
    out = {
        "cos_clause": ctx.nearest if ctx.nearest is not None else cos_sentence,
        "cos_sentence": cos_sentence,
        "sentence_margin": margin,
        "coverage": max(covers, default=0.0),
        "coverage_top": covers[0] if covers else 0.0,
        "missing": _missing(ctx),
        "elsewhere": _elsewhere(ctx, wording, [h.clause.text for h in hits[:3]]),
        "agreement": _agreement(hits[:3]),
        "figure_asked": float(wanted.wants),
        "figure_missing": float(wanted.wants and not any_holds(wanted, nearest)),
        "figure_absent": float(
            wanted.wants and not any_holds(wanted, [h.clause.text for h in hits[:3]])
        ),
        "figure_coverage": _figure_coverage(wording, wanted, split) if wanted.wants else 1.0,
        "year_absent": _year_absent(ctx.question, hits[:3]),
        "english": float(ctx.english),
    }
    out.update({f"kind_{k.value}": float(kind == k) for k in KINDS})
    return out


def _sentence_evidence(
    ctx: Context, split: Sequence[tuple[int, str]], clauses: int
) -> tuple[float, float, list[str]]:
    """Best sentence cosine, its lead over the best sentence of another clause, and the
    sentences nearest the question, from the (clause's rank, sentence) pairs of ``split``."""
    owners = [i for i, _ in split]
    texts = [s for _, s in split]
    if not texts:
        return 0.0, 0.0, []
    sims = ctx.sentence_cos(texts)
    best_of = [max((x for o, x in zip(owners, sims, strict=True) if o == i), default=0.0)
               for i in range(clauses)]  # fmt: skip
    ranked = sorted(best_of, reverse=True)
    nearest = [t for _, t in sorted(zip(sims, texts, strict=True), reverse=True)[:NEAREST]]
    return ranked[0], ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0), nearest


def _words(ctx: Context) -> list[tuple[str, ...]]:
    """The question's content words as alternatives: an English question's concepts and
    the words no clause uses (as a Chinese question's unknown tokens count), a Chinese
    question's own tokens (each its only form)."""
    if ctx.english:
        return list(ctx.concepts) + [(w,) for w in _unknown(ctx) if not w.isdigit()]
    return [(t,) for t in ctx.tokens if has_han(t) or t.isalnum()]


def _unknown(ctx: Context) -> list[str]:
    """An English question's words that neither the dictionary nor the corpus knows."""
    return [w for w in ctx.untranslated if w.lower() not in ctx.view.vocabulary]


@dataclass(frozen=True)
class _Wording:
    """The question's content words (see :func:`_words`) and their rarity weights."""

    words: list[tuple[str, ...]]
    weights: list[float]

    def coverage(self, text: str) -> float:
        """Share of the question's words (weighted by rarity) that ``text`` uses."""
        if not self.words:
            return 0.0
        lowered = text.lower()
        pairs = zip(self.words, self.weights, strict=True)
        return sum(wt for w, wt in pairs if any(t in lowered for t in w)) / sum(self.weights)


def _wording(ctx: Context) -> _Wording:
    words = _words(ctx)
    return _Wording(words, [min(ctx.weight(t) for t in w) for w in words])


def _figure_coverage(wording: _Wording, wanted: Asked, split: Sequence[tuple[int, str]]) -> float:
    """Coverage of the question's words by the best sentence of the top three clauses that
    gives the figure asked: a figure the clause gives of something else stands in a
    sentence about that."""
    held = [s for i, s in split if i < 3 and wanted.held_by(s)]
    return max((wording.coverage(s) for s in held), default=0.0)


def _year_absent(question: str, hits: Sequence[Hit]) -> float:
    """1 when the question names a year (2025, 2040) and none of ``hits`` names all it does,
    in its text or its citation (a document's title gives its period): a plan's target for
    another year than it sets one for is not in it."""
    years = set(YEAR.findall(question))
    texts = [h.clause.text + h.clause.citation for h in hits]
    return float(bool(years) and not any(all(y in t for y in years) for t in texts))


def _missing(ctx: Context) -> float:
    """Share of the question's words (weighted by rarity) that no clause uses. An English
    question's words the dictionary could not translate count here too."""
    corpus_text = ctx.view.stats.text
    if ctx.english:
        words = len(ctx.concepts) + len(ctx.untranslated)
        return len(_unknown(ctx)) / words if words else 1.0
    toks = [t for t in ctx.tokens if has_han(t) and len(t) >= 2]
    if not toks:
        return 0.0
    weights = [ctx.weight(t) for t in toks]
    gone = sum(w for t, w in zip(toks, weights, strict=True) if t not in corpus_text)
    return gone / sum(weights)


def _elsewhere(ctx: Context, wording: _Wording, top: Sequence[str]) -> float:
    """Share of the question's words (by rarity) that the corpus uses but none of ``top``
    does: a question about something the corpus has, asking what these clauses lack."""
    if not wording.words:
        return 0.0
    corpus_text = ctx.view.stats.text.lower()
    lowered = [t.lower() for t in top]
    away = sum(
        wt
        for w, wt in zip(wording.words, wording.weights, strict=True)
        if any(t in corpus_text for t in w) and not any(t in x for t in w for x in lowered)
    )
    return away / sum(wording.weights)


def _agreement(hits: Sequence[Hit]) -> float:
    """How high both retrievers rank the same clause: 1 / the worse of its two ranks."""
    best = 0.0
    for h in hits:
        if h.bm25_rank is not None and h.dense_rank is not None:
            best = max(best, 1.0 / max(h.bm25_rank, h.dense_rank))
    return best
